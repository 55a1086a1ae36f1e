import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, runCli, startCli, waitForOutput } from '../../support/cli.js';

/**
 * Bad input to the CLI: each case gives one line on stderr that says what to do, a non-zero exit, and leaves
 * what is already recorded exactly as it was.
 */
const headless: NodeJS.ProcessEnv = { ...process.env, DISPLAY: '', WAYLAND_DISPLAY: '' };
const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

function expectOneLineError(result: { status: number | null; stderr: string }, status: number, pattern: RegExp): void {
  expect(result.status).toBe(status);
  const lines = result.stderr.trimEnd().split('\n');
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^worktrace: /);
  expect(lines[0]).toMatch(pattern);
}

describe('worktrace with bad input', () => {
  const dirs: string[] = [];
  const freshDir = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'worktrace-bad-'));
    dirs.push(dir);
    return dir;
  };

  beforeAll(() => assertBuilt());
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    [['track', '--local', '--bogus'], /unknown option '--bogus'/],
    [['track', '--local', '--screenshots', 'sometimes'], /expected on, blurred or off/],
    [['track', '--local', '--segment-seconds', '30'], /at least 60/],
    [['track', '--local', '--segment-seconds', '7min'], /at least 60/],
    [['track', '--local', '--idle', 'never'], /keep or discard/],
    [['track', '--local', '--idle-after', '-5'], /between 10 and 86400/],
    [['segments', '--since', 'yesterday'], /ISO 8601/],
    [['segments', '--since', '2026-13-45'], /not a real date|ISO 8601/],
    [['screenshot', '01ARZ3NDEKTSV4RRFFQ69G5FAV'], /required option '--out/],
    [['frobnicate'], /unknown command 'frobnicate'/],
  ])('refuses %j with a one-line usage error', (args, pattern) => {
    const dataDir = freshDir();
    expectOneLineError(runCli(['--data-dir', dataDir, ...args], headless), 2, pattern);
  });

  it('refuses a data directory that does not exist instead of starting an empty history there', () => {
    const missing = join(freshDir(), 'not-here');
    expectOneLineError(runCli(['--data-dir', missing, 'segments'], headless), 1, /does not exist: create it or pass another --data-dir/);
  });

  it('refuses a read-only data directory', () => {
    const dataDir = freshDir();
    const isRoot = process.getuid?.() === 0;
    // Root writes through permission bits, so as root the directory is a read-only tmpfs mount instead.
    if (isRoot) {
      const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=1m', 'tmpfs', dataDir]);
      expect(mounted.status, String(mounted.stderr)).toBe(0);
    } else {
      chmodSync(dataDir, 0o555);
    }
    try {
      expectOneLineError(runCli(['--data-dir', dataDir, 'track', '--local'], headless), 1, /not writable/);
    } finally {
      if (isRoot) spawnSync('umount', [dataDir]);
      else chmodSync(dataDir, 0o755);
    }
  });

  it.each([
    ['a text file', (file: string) => writeFileSync(file, 'these are my notes, not a database\n'.repeat(100)), /not a SQLite database: it was left untouched; move it aside/],
    ['random bytes', (file: string) => writeFileSync(file, randomBytes(64 * 1024)), /not a SQLite database: it was left untouched; move it aside/],
    [
      "another application's SQLite database",
      (file: string) => {
        const db = new Database(file);
        db.exec("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL); INSERT INTO invoices (total) VALUES (12.5);");
        db.close();
      },
      /another application|not a Worktrace/i,
    ],
    [
      'a database from a newer Worktrace',
      (file: string) => {
        const db = new Database(file);
        db.pragma(`application_id = ${0x57545243}`);
        db.pragma('user_version = 999');
        db.exec('CREATE TABLE future (x)');
        db.close();
      },
      /newer/i,
    ],
  ])('refuses %s and leaves it byte for byte unchanged', (_name, make, pattern) => {
    const dataDir = freshDir();
    const file = join(dataDir, 'worktrace.db');
    make(file);
    const before = sha256(file);
    for (const args of [['segments'], ['status'], ['track', '--local']]) {
      expectOneLineError(runCli(['--data-dir', dataDir, ...args], headless), 1, pattern);
      expect(sha256(file)).toBe(before);
    }
  });

  it('tracks time without a display, says input activity is unavailable, and keeps what it recorded', async () => {
    const dataDir = freshDir();
    const agent = startCli(['--data-dir', dataDir, 'track', '--local', '--segment-seconds', '60'], headless);
    await waitForOutput(agent, /Tracking/, 30_000);
    await new Promise((resolve) => setTimeout(resolve, 2500));
    agent.child.kill('SIGTERM');
    expect(await agent.exited).toBe(0);
    expect(agent.stderr()).toMatch(/input unavailable: no X display/);

    const listed = runCli(['--data-dir', dataDir, 'segments', '--json'], headless);
    expect(listed.status).toBe(0);
    const segments = JSON.parse(listed.stdout) as { trackedSeconds: number }[];
    const tracked = segments.reduce((sum, s) => sum + s.trackedSeconds, 0);
    expect(tracked).toBeGreaterThanOrEqual(2);

    const status = runCli(['--data-dir', dataDir, 'status', '--json'], headless);
    expect(status.status).toBe(0);
    const report = JSON.parse(status.stdout) as { sensors: { sensor: string; status: string; reason: string }[] };
    expect(report.sensors.find((s) => s.sensor === 'input')).toMatchObject({ status: 'unavailable', reason: expect.stringMatching(/no X display/) });
  });

  it('will not export a screenshot that does not exist, into the data directory, or over a file', () => {
    const dataDir = freshDir();
    mkdirSync(join(dataDir, 'exports'));
    const existing = join(freshDir(), 'taken.jpg');
    writeFileSync(existing, 'keep me');
    expectOneLineError(runCli(['--data-dir', dataDir, 'screenshot', '01ARZ3NDEKTSV4RRFFQ69G5FAV', '--out', join(freshDir(), 'x.jpg')], headless), 1, /No screenshot/);
    expectOneLineError(runCli(['--data-dir', dataDir, 'screenshot', '01ARZ3NDEKTSV4RRFFQ69G5FAV', '--out', join(dataDir, 'exports', 'x.jpg')], headless), 1, /inside the data directory/);
    expect(readFileSync(existing, 'utf8')).toBe('keep me');
  });
});
