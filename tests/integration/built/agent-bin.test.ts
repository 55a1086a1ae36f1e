import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { segmentRecordSchema } from '../../../src/shared/protocol/index.js';
import { assertBuilt, CLI_PATH, runCli, startCli, waitForOutput } from '../../support/cli.js';
import { ROOT } from '../../support/built.js';
import { requireTools, startDisplay, type TestDisplay } from '../../support/display.js';

/**
 * The BUILT `worktrace` (package.json "bin") under plain node, as `npm install -g` or scripts/start.sh runs it: help,
 * status on a fresh data directory, and a short local tracking session under Xvfb that saves what it saw on Ctrl-C.
 */
describe('the built worktrace bin', () => {
  let display: TestDisplay;
  let dataDir: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    assertBuilt();
    requireTools(['xdotool']);
    display = await startDisplay();
    dataDir = mkdtempSync(join(tmpdir(), 'wt-built-agent-'));
    env = { ...display.env, WORKTRACE_DATA_DIR: dataDir };
  });
  afterAll(async () => {
    await display?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('is the file under dist/ that package.json names', () => {
    expect(CLI_PATH).toBe(join(ROOT, 'dist/main/cli/bin.js'));
  });

  it('--help lists the commands', () => {
    const help = runCli(['--help'], env);
    expect(help.status, help.stderr).toBe(0);
    for (const command of ['login', 'logout', 'contracts', 'track', 'sync', 'segments', 'screenshot', 'status']) expect(help.stdout).toMatch(new RegExp(`^\\s+${command}\\b`, 'm'));
  });

  it('status on a fresh data directory names the sensors and an empty queue', () => {
    const status = runCli(['status'], env);
    expect(status.status, status.stderr).toBe(0);
    expect(status.stdout).toContain(`Data directory: ${dataDir}`);
    expect(status.stdout).toMatch(/^\s+input\s+\S+/m);
    expect(status.stdout).toContain('Queue: empty');
  });

  it('track --local records typed keys and saves them on SIGINT (exit 0)', async () => {
    const agent = startCli(['track', '--local', '--contract', 'built', '--segment-seconds', '60', '--screenshots', 'off'], env);
    try {
      await waitForOutput(agent, /Tracking/, 30_000);
      display.run('xdotool', ['type', '--delay', '40', 'built']);
      agent.child.kill('SIGINT');
      expect(await agent.exited, agent.stderr()).toBe(0);
    } finally {
      if (agent.child.exitCode === null) agent.child.kill('SIGKILL');
    }
    const listed = runCli(['segments', '--json'], env);
    expect(listed.status, listed.stderr).toBe(0);
    const segments = segmentRecordSchema.array().parse(JSON.parse(listed.stdout));
    const keys = segments.flatMap((segment) => segment.minutes).reduce((sum, minute) => sum + minute.keyboard, 0);
    expect(keys).toBe(5);
  });
});
