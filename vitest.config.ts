import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

const UNIT_DIR = 'tests/unit';

// The unit files that replace a module (vi.mock) or drive the fake Electron module's shared state: they need a fresh
// module graph each, so they keep vitest's per-file isolation. Found by reading the files, so a new one is never missed.
const unitFilesNeedingIsolation = readdirSync(UNIT_DIR, { recursive: true, encoding: 'utf8' })
  .filter((file) => file.endsWith('.test.ts'))
  .map((file) => join(UNIT_DIR, file))
  .filter((file) => /\bvi\.(mock|doMock|unmock|resetModules)\(|fake-electron/.test(readFileSync(file, 'utf8')));

const unitOptions = {
  environment: 'node',
  // Some unit tests simulate thousands of segments or load electron-builder; with three files at a time on two
  // cores 30 s can be too little for the slowest (the packaging and answers-corpus files timed out on a loaded machine).
  testTimeout: 60_000,
  // A few unit files open real Chromium or load electron-builder in beforeAll: seconds when idle, more than
  // the default 10 s when the other worker runs an integration file beside them on two cores.
  hookTimeout: 60_000,
} as const;

// Five projects: fast pure unit tests (most sharing one module graph per worker, the few that mock a module
// isolated), integration tests against real parts (Xvfb, SQLite files, the built CLI), the renderer in Chromium (e2e),
// and the server's API tests. `npm test` runs them all.
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
          ...unitOptions,
          name: 'unit',
          include: [`${UNIT_DIR}/**/*.test.ts`],
          exclude: unitFilesNeedingIsolation,
          // A worker runs file after file in the same module graph: a unit file's tests take a second or less, but a
          // fresh worker per file re-imports its whole graph (zod schemas, SQLite, sharp, fast-check, often the server
          // itself), ~5 s of worker time per file in CI.
          // These files share nothing at module level that one can see from another: each builds its own stores,
          // clocks and servers, and restores what it changes of the process (env, listeners).
          isolate: false,
        },
      },
      {
        test: {
          ...unitOptions,
          name: 'unit-isolated',
          include: unitFilesNeedingIsolation,
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
          // A worker runs server file after server file in one module graph, as the unit files do: each file imported
          // the whole server again (fastify, zod schemas, sharp, pg, the AWS SDK), ~10 s of worker time per file on a
          // loaded machine. No server test replaces a module; each starts its own servers, databases and stores.
          isolate: false,
          // One PostgreSQL cluster for the run, shared by the files that do not search its data files (testBackends).
          globalSetup: ['server/tests/support/shared-postgres.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
