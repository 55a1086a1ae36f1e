import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { startDisplay, type TestDisplay } from '../../support/display.js';
import { unusedDisplay } from '../../support/sensor-env.js';
import { requireAddon } from './native-support.js';

const probe = fileURLToPath(new URL('./fixtures/probe.ts', import.meta.url));

interface ProbeRun {
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly result: Record<string, unknown>;
}

/** The last stdout line of the probe as JSON; a crash leaves a signal or a non-zero status to assert on. */
function parse(stdout: string): Record<string, unknown> {
  const last = stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(last) as Record<string, unknown>;
  } catch {
    return { unparsed: stdout };
  }
}

function runProbe(mode: string, env: NodeJS.ProcessEnv, display?: string): ProbeRun {
  const run = spawnSync(process.execPath, ['--import', 'tsx', probe, mode, ...(display ? [display] : [])], {
    env,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: run.status, signal: run.signal, result: parse(run.stdout) };
}

describe('native failures become JS errors, never an abort (each in a child process)', () => {
  const displays: TestDisplay[] = [];
  afterAll(async () => {
    for (const d of displays) await d.stop();
  });

  it('a display nobody serves gives ERR_NO_DISPLAY', () => {
    requireAddon();
    const display = unusedDisplay(999, 900);
    const run = runProbe('no-display', { ...process.env, DISPLAY: display }, display);
    expect({ status: run.status, signal: run.signal }).toEqual({ status: 0, signal: null });
    expect(run.result).toEqual({
      sensors: { code: 'ERR_NO_DISPLAY', reason: `cannot open X display ${display}` },
      session: 'ERR_NO_DISPLAY',
      recorder: 'ERR_NO_DISPLAY',
    });
  });

  it('no DISPLAY at all (a Wayland-only session) gives ERR_NO_DISPLAY with the reason', () => {
    const env = { ...process.env };
    delete env.DISPLAY;
    const run = runProbe('no-display', env);
    expect({ status: run.status, signal: run.signal }).toEqual({ status: 0, signal: null });
    expect(run.result).toMatchObject({ sensors: { code: 'ERR_NO_DISPLAY', reason: expect.stringContaining('DISPLAY is not set') } });
  });

  it('a server without RECORD leaves input unavailable and everything else working', async () => {
    const display = await startDisplay({ xvfbArgs: ['-extension', 'RECORD'] });
    displays.push(display);
    const run = runProbe('no-record', display.env, display.display);
    expect({ status: run.status, signal: run.signal }).toEqual({ status: 0, signal: null });
    expect(run.result).toMatchObject({
      input: { status: 'unavailable', backend: 'native-xrecord', reason: expect.stringContaining('RECORD') },
      drained: { keyboard: 0, clicks: 0, wheel: 0, moves: 0 },
      recorder: 'ERR_NO_EXTENSION',
    });
  });

  it('a server without MIT-SCREEN-SAVER gives unknown idle time, not a crash', async () => {
    const display = await startDisplay({ windowManager: false, xvfbArgs: ['-extension', 'MIT-SCREEN-SAVER'] });
    displays.push(display);
    const run = runProbe('no-screensaver', display.env, display.display);
    expect({ status: run.status, signal: run.signal }).toEqual({ status: 0, signal: null });
    expect(run.result).toMatchObject({ idle: null, state: { status: 'unavailable' }, raw: 'ERR_NO_EXTENSION' });
  });

  it('a server without MIT-SHM still captures, through XGetImage', async () => {
    const display = await startDisplay({ windowManager: false, width: 800, height: 600, xvfbArgs: ['-extension', 'MIT-SHM'] });
    displays.push(display);
    const run = runProbe('no-shm', display.env, display.display);
    expect({ status: run.status, signal: run.signal }).toEqual({ status: 0, signal: null });
    expect(run.result).toMatchObject({
      shm: false,
      bytes: 800 * 600 * 4,
      kind: 'raw',
      state: { status: 'ok', detail: expect.stringContaining('no MIT-SHM') },
    });
  });

  it('an X server that dies under a running agent gives ERR_CONNECTION_LOST, not an exit', async () => {
    const display = await startDisplay({ windowManager: false });
    displays.push(display);
    const child = spawn(process.execPath, ['--import', 'tsx', probe, 'server-gone', display.display], {
      env: display.env,
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.setEncoding('utf8');
    const ready = new Promise<void>((resolve) => {
      child.stdout.on('data', (chunk: string) => {
        stdout += chunk;
        if (stdout.includes('ready')) resolve();
      });
    });
    // A hang (e.g. Xlib waiting on a dead connection) must fail the test, not stall the suite.
    const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    const exited = new Promise<{ status: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once('exit', (status, signal) => {
        clearTimeout(killer);
        resolve({ status, signal });
      }),
    );
    await ready;
    await display.stop(); // Xvfb goes away with the probe's three connections open
    child.stdin.write('gone\n');
    expect(await exited).toEqual({ status: 0, signal: null });
    expect(parse(stdout)).toMatchObject({
      raw: { activeWindow: 'ERR_CONNECTION_LOST', capture: 'ERR_CONNECTION_LOST', idle: 'ERR_CONNECTION_LOST' },
      window: null,
      windowState: 'unavailable',
      capture: 'ERR_CONNECTION_LOST',
      idle: null,
      drained: { keyboard: 0, clicks: 0, wheel: 0, moves: 0 },
      // Which of the two comes first depends on timing: the server's EndOfData or the closed socket.
      inputState: { status: 'unavailable', reason: expect.stringMatching(/X server (was lost|ended input recording)/) },
    });
  });

  it('the probe itself runs (guards against a broken fixture passing the tests above)', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', probe, 'nonsense'], { encoding: 'utf8', env: process.env });
    expect(parse(run.stdout)).toEqual({ error: 'unknown mode nonsense' });
  });
});
