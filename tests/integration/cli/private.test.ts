import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databasePath, openStore } from '../../../src/main/store/index.js';
import { assertBuilt, runCli } from '../../support/cli.js';
import { startDisplay, type TestDisplay } from '../../support/display.js';

/** `worktrace private add|remove|list|app-names` and what `worktrace status` says about redaction, with the built CLI. */
describe('worktrace private and status', () => {
  let display: TestDisplay;
  let dataDir: string;
  const cli = (args: string[], env: NodeJS.ProcessEnv = display.env) => runCli(['--data-dir', dataDir, ...args], { ...env, WORKTRACE_LOG_LEVEL: 'silent' });

  beforeAll(async () => {
    assertBuilt();
    display = await startDisplay({ width: 1280, height: 800 });
    dataDir = mkdtempSync(join(tmpdir(), 'wt-cli-private-'));
  });

  afterAll(async () => {
    await display?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('adds, lists (with each cached contract’s list), removes, and keeps names only when asked', () => {
    expect(cli(['private', 'add', '--title', '*Patient*'])).toMatchObject({ status: 0, stdout: expect.stringContaining('Added: Window title “*Patient*” is private on this device.') });
    expect(cli(['private', 'add', '--app', 'keepassxc']).status).toBe(0);
    expect(cli(['private', 'add', '--title', '*PATIENT*']).stdout).toContain('Already private');
    // A contract's list, as the policy cache holds it after a pull.
    const store = openStore({ file: databasePath(dataDir), clock: { now: () => Date.now() }, mode: 'local' });
    const policy = { contractId: '01KCONTRACTAAAAAAAAAAAAAAA', screenshots: 'on', segmentSeconds: 600, retentionDays: 30, version: 4, updatedAt: '2026-11-26T05:00:00.000Z' };
    store.policies.put(policy.contractId, JSON.stringify({ ...policy, privateWindows: [{ kind: 'app', pattern: 'Epic Hyperspace' }] }), null);
    store.policies.put('01KCONTRACTBBBBBBBBBBBBBBB', JSON.stringify({ ...policy, contractId: '01KCONTRACTBBBBBBBBBBBBBBB', privateWindows: [{ kind: 'url', pattern: 'x' }] }), null);
    store.close();
    const listed = JSON.parse(cli(['private', 'list', '--json']).stdout);
    expect(listed).toEqual({
      device: [
        { kind: 'title', pattern: '*Patient*' },
        { kind: 'app', pattern: 'keepassxc' },
      ],
      keepAppNames: false,
      contracts: [
        { contractId: '01KCONTRACTAAAAAAAAAAAAAAA', version: 4, rules: [{ kind: 'app', pattern: 'Epic Hyperspace' }] },
        { contractId: '01KCONTRACTBBBBBBBBBBBBBBB', version: 4, rules: null },
      ],
    });
    const words = cli(['private', 'list']).stdout;
    expect(words).toContain('Application “Epic Hyperspace”');
    expect(words).toMatch(/01KCONTRACTBBBBBBBBBBBBBBB.*\n {2}unreadable: no screenshots/);
    expect(cli(['private', 'remove', '--app', 'KeePassXC']).stdout).toContain('Removed');
    expect(cli(['private', 'remove', '--app', 'KeePassXC']).stdout).toContain('Not in your list');
    expect(cli(['private', 'app-names', 'keep']).status).toBe(0);
    expect(JSON.parse(cli(['private', 'list', '--json']).stdout)).toMatchObject({ device: [{ kind: 'title', pattern: '*Patient*' }], keepAppNames: true });
  });

  it.each([
    [['private', 'add'], /exactly one of --app NAME or --title PATTERN/],
    [['private', 'add', '--app', 'a', '--title', 'b'], /exactly one of/],
    [['private', 'add', '--title', 'x'.repeat(129)], /at most 128 characters/],
    [['private', 'add', '--title', 'ab\\'], /lone \\/],
    [['private', 'add', '--title', 'a\u0007b'], /control characters/],
    [['private', 'app-names', 'sometimes'], /expected keep or hide/],
  ])('refuses %j with one line and exit code 2', (args, pattern) => {
    const result = cli(args);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(pattern);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('lists a segment whose screenshot hid private windows, and one whose screenshot was skipped for privacy', () => {
    const store = openStore({ file: databasePath(dataDir), clock: { now: () => Date.now() }, mode: 'local' });
    const startedAt = Math.floor(Date.now() / 600_000) * 600 - 1200;
    const [a, b] = ['01KSEGMENTAAAAAAAAAAAAAAAA', '01KSEGMENTBBBBBBBBBBBBBBBB'];
    store.segments.openSegment({ id: a, contractId: 'local:personal', startedAt, lengthSeconds: 600, memo: null, policyVersion: null });
    store.segments.openSegment({ id: b, contractId: 'local:personal', startedAt: startedAt + 600, lengthSeconds: 600, memo: null, policyVersion: null });
    store.screenshots.insert({ id: '01KSHOTAAAAAAAAAAAAAAAAAAA', segmentId: a, takenAt: startedAt * 1000 + 5000, width: 64, height: 48, bytes: 10, blurred: false, policyVersion: null, redactedWindows: 2, data: Buffer.alloc(40) });
    store.segments.markScreenshotSkipped(b, 'private-window');
    store.close();
    const listed = cli(['segments']).stdout;
    expect(listed).toContain('screenshot 01KSHOTAAAAAAAAAAAAAAAAAAA (2 private windows hidden)');
    expect(listed).toContain('screenshot skipped for privacy');
    const json = JSON.parse(cli(['segments', '--json']).stdout) as { id: string; screenshot: { redactedWindows?: number } | null; screenshotSkipped?: string }[];
    expect(json.find((s) => s.id === a)?.screenshot?.redactedWindows).toBe(2);
    expect(json.find((s) => s.id === b)?.screenshotSkipped).toBe('private-window');
  });

  it('says redaction is complete with the native capture, and that there are no screenshots to hide them from without it', () => {
    const native = JSON.parse(cli(['status', '--json']).stdout);
    expect(native.privacy).toMatchObject({ redaction: 'windows', backend: 'native-xshm', lists: { device: [{ kind: 'title', pattern: '*Patient*' }] } });
    expect(cli(['status'], display.env).stdout).toMatch(/^Private windows: painted out \(native-xshm\): every window’s frame is read with the pixels/m);
    // Without the core the CLI takes no screenshot (no file-writing fallback): nothing there could show a private window.
    const npm = cli(['status'], { ...display.env, WORKTRACE_SENSORS: 'npm' });
    expect(npm.status).toBe(0);
    expect(npm.stdout).toMatch(/^Private windows: no screenshots here \(none\): no screenshots are taken here \(.*no in-memory screen capture.*\), so none can show a private window\.$/m);
    expect(npm.stdout).toContain('contract 01KCONTRACTBBBBBBBBBBBBBBB: its list cannot be read here: no screenshots for it');
  });
});
