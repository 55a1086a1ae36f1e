import { defineConfig } from 'vitest/config';

// Four projects: fast pure unit tests, integration tests against real parts (Xvfb, SQLite files,
// the built CLI), the renderer in Chromium (e2e), and the server's API tests. `npm test` runs them all.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts'],
          environment: 'node',
          // Some unit tests simulate thousands of segments; on a loaded two-core CI machine 5 s is not enough.
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          environment: 'node',
          testTimeout: 240_000,
          hookTimeout: 120_000,
          // Each file starts its own X display; two cores do not like many of them at once.
          fileParallelism: false,
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
          // Each file starts a display, a server and a browser: one at a time on two cores.
          fileParallelism: false,
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
