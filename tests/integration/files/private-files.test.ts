import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTools } from '../../support/display.js';

const WRITER = fileURLToPath(new URL('./fixtures/write-secrets.ts', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const missing = requireTools(['strace']);

/**
 * Issue 12 item 15: every secret file the agent writes (headless key and sign-in, the app's sealed key and sign-in)
 * goes through the one careful writer, seen from outside with strace on the real process: the new name appears by
 * rename or link, and only after that is the directory itself fsynced, so a power cut cannot lose the name.
 */
describe.skipIf(missing.length > 0)('secret files on disk (strace)', () => {
  let root: string;
  let headless: string;
  let app: string;
  let trace: string[];

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'wt-secrets-'));
    headless = join(root, 'headless');
    app = join(root, 'app');
    for (const dir of [headless, app]) spawnSync('mkdir', ['-m', '0777', dir]);
    const out = join(root, 'trace.txt');
    const run = spawnSync(
      'strace',
      ['-f', '-qq', '-y', '-o', out, '-e', 'trace=openat,fsync,rename,renameat,renameat2,link,linkat', process.execPath, '--import', 'tsx', WRITER, headless, app],
      { cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000, env: { ...process.env } },
    );
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    trace = readFileSync(out, 'utf8').split('\n');
  }, 90_000);

  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it.each([
    ['headless', 'screenshot.key', 'link'],
    ['headless', 'credentials.json', 'rename'],
    ['app', 'screenshot.key.sealed', 'link'],
    ['app', 'credentials.sealed', 'rename'],
  ] as const)('%s %s: 0600, put in place by %s, then its directory fsynced', (where, name, how) => {
    const dir = where === 'headless' ? headless : app;
    const file = join(dir, name);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const placed = trace.findIndex((line) => new RegExp(`\\b${how}(at2?)?\\(.*"${escape(file)}"`).test(line) && / = 0$/.test(line));
    expect(placed, `no successful ${how} to ${file} in the trace`).toBeGreaterThanOrEqual(0);
    // The temporary's own fsync comes before it is put in place, on an fd strace names by its .tmp path.
    const temporary = new RegExp(`"(${escape(dir)}/\\.${escape(name)}\\.[^"]+\\.tmp)"`).exec(trace[placed]!)?.[1];
    expect(temporary).toBeDefined();
    expect(trace.slice(0, placed).some((line) => line.includes(`fsync(`) && line.includes(`<${temporary}>`))).toBe(true);
    const dirSynced = trace.slice(placed + 1).findIndex((line) => new RegExp(`fsync\\(\\d+<${escape(dir)}>\\) = 0`).test(line));
    expect(dirSynced, `${dir} was not fsynced after ${name} was put in place`).toBeGreaterThanOrEqual(0);
    expect(readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
