import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { NODE_LINUX_22, nodeFromNpm } from '../../support/node-from-npm.js';

/**
 * The store's whole unit suite (tests/unit/main/store) once more, on the node:sqlite driver, under the official
 * Linux Node 22 from npm: the suite's own Node (20) has no node:sqlite, and the Wine lane, which runs the store on it
 * under the Windows node.exe, exercises the agent's paths rather than every repository's edge. A run of that folder
 * under Node 22, with better-sqlite3 never loaded (its binary is built for Node 20's ABI).
 */
const REPO = fileURLToPath(new URL('../../../', import.meta.url));

interface VitestReport {
  numTotalTests: number;
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  testResults: { name: string; assertionResults: { fullName: string; status: string; failureMessages: string[] }[] }[];
}

function run(command: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, output }));
  });
}

describe('the store on node:sqlite (Node 22 from npm)', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'worktrace-node22-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('passes every store test, none skipped', async () => {
    const node = nodeFromNpm(NODE_LINUX_22, join(REPO, '.tmp', 'node'));
    const reportFile = join(scratch, 'report.json');
    // The child is a vitest of its own: none of this run's vitest variables may leak into it.
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('VITEST')));
    const child = await run(
      node,
      [join(REPO, 'node_modules', 'vitest', 'vitest.mjs'), 'run', 'tests/unit/main/store', '--reporter=json', `--outputFile=${reportFile}`],
      { ...env, WORKTRACE_TEST_SQLITE_DRIVER: 'node:sqlite', NODE_NO_WARNINGS: '1' },
    );
    const report = JSON.parse(readFileSync(reportFile, 'utf8')) as VitestReport;
    const failures = report.testResults.flatMap((file) =>
      file.assertionResults.filter((t) => t.status !== 'passed').map((t) => `${t.fullName}: ${t.status} ${t.failureMessages.join(' ').slice(0, 500)}`),
    );
    expect(failures, child.output.slice(-3000)).toEqual([]);
    expect({ failed: report.numFailedTests, skipped: report.numPendingTests + report.numTodoTests }).toEqual({ failed: 0, skipped: 0 });
    // The whole folder ran (91 store tests and the driver's own 8 when this was written), on the node:sqlite driver.
    expect(report.numPassedTests).toBeGreaterThanOrEqual(99);
    const titles = report.testResults.flatMap((file) => file.assertionResults.map((t) => t.fullName));
    expect(titles.filter((title) => title.startsWith('the SQLite driver (node:sqlite)'))).toHaveLength(7);
    expect(child.code).toBe(0);
  });
});
