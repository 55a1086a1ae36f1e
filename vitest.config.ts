import { defineConfig } from 'vitest/config';

// Four projects: fast pure unit tests, integration tests against real parts (Xvfb, SQLite files,
// the built CLI), the renderer in Chromium (e2e), and the server's API tests. `npm test` runs them all.
export default defineConfig({
  test: {
    // Three files at a time on CI's two cores: most files spend their time waiting on real clocks, displays, servers
    // and databases, not on the CPU, and the suite must stay under 25 minutes (two at a time took 22 before the
    // object-store and weekly-review files). (A project with fileParallelism: false used to force ONE worker for
    // the whole run: the suite then took the sum of its files, ~26 min.)
    maxWorkers: 3,
    projects: [
      {
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts'],
          environment: 'node',
          // Some unit tests simulate thousands of segments or load electron-builder; with three files at a time on two
          // cores 30 s can be too little for the slowest (the packaging and answers-corpus files timed out on a loaded machine).
          testTimeout: 60_000,
          // A few unit files open real Chromium or load electron-builder in beforeAll: seconds when idle, more than
          // the default 10 s when the other worker runs an integration file beside them on two cores.
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          environment: 'node',
          testTimeout: 240_000,
          hookTimeout: 120_000,
          // Each file starts its own X display (-displayfd picks a free one), server and data dirs, so two can run
          // at once: most of their time is spent waiting for real minute boundaries, not on the CPU.
        },
      },
      {
        test: {
          // The renderer in real Chromium against the real core and server (tests/e2e/support is the test bridge).
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 240_000,
          hookTimeout: 120_000,
          // Each file starts its own display, server and browser; like the integration files, they mostly wait.
        },
      },
      {
        test: {
          name: 'server',
          include: ['server/tests/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
