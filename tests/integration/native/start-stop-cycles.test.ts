import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemSensorEnvironment } from '../../../src/main/sensors/environment.js';
import { UiohookInputSensor } from '../../../src/main/sensors/input/uiohook-input-sensor.js';
import { startDisplay, type TestDisplay } from '../../support/display.js';
import { requireAddon, waitForWindow } from './native-support.js';

const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

/**
 * A child's stdout, line by line. `next()` waits for the next line, or rejects at the deadline with the
 * last lines seen: a hung child fails the test instead of hanging vitest (its JS thread, not ours).
 */
function lineReader(child: ChildProcess): { next(deadlineMs: number, what: string): Promise<string>; seen: string[] } {
  const seen: string[] = [];
  const waiting: ((line: string) => void)[] = [];
  const queued: string[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    seen.push(line);
    const waiter = waiting.shift();
    if (waiter) waiter(line);
    else queued.push(line);
  });
  return {
    seen,
    next(deadlineMs, what) {
      const line = queued.shift();
      if (line !== undefined) return Promise.resolve(line);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          child.kill('SIGKILL');
          reject(new Error(`${what}: no answer within ${deadlineMs / 1000} s (hung?); last lines: ${seen.slice(-3).join(' | ')}`));
        }, deadlineMs);
        waiting.push((l) => {
          clearTimeout(timer);
          resolve(l);
        });
      });
    },
  };
}

/** The last JSON line of a child that must finish by the deadline. */
async function finalJson(child: ChildProcess, deadlineMs: number, what: string): Promise<Record<string, unknown>> {
  const reader = lineReader(child);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let line = '';
  for (;;) {
    line = await reader.next(deadlineMs, what);
    if (!line.startsWith('{"progress"')) break;
  }
  expect(await exited).toBe(0);
  return JSON.parse(line) as Record<string, unknown>;
}

/** xdotool typing and moving in a loop, in its own process group so that all of it can be stopped. */
function sendInputForever(display: TestDisplay): ChildProcess {
  const moves: string[] = [];
  for (let i = 0; i < 200; i += 1) moves.push('mousemove', String(200 + (i % 300)), String(200 + (i % 150)));
  return spawn('sh', ['-c', 'while :; do xdotool "$@" key a; done', 'sh', ...moves], {
    env: display.env,
    stdio: 'ignore',
    detached: true,
  });
}

/** An Xvfb of our own (no window manager), so that the test knows the pid it freezes. */
async function startBareXvfb(): Promise<{ xvfb: ChildProcess; display: string }> {
  const xvfb = spawn('Xvfb', ['-displayfd', '3', '-screen', '0', '640x480x24', '-nolisten', 'tcp', '-noreset'], {
    stdio: ['ignore', 'ignore', 'ignore', 'pipe'],
  });
  const number = await new Promise<string>((resolve, reject) => {
    let text = '';
    xvfb.stdio[3]!.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
      const match = /^(\d+)\n/.exec(text);
      if (match) resolve(match[1]!);
    });
    xvfb.once('exit', (code) => reject(new Error(`Xvfb exited before it was ready (${code})`)));
  });
  return { xvfb, display: `:${number}` };
}

function stopGroup(child: ChildProcess): void {
  if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, 'SIGKILL');
}

describe('native input recorder start/stop never hangs, and never blocks the JS thread', () => {
  let display: TestDisplay;

  beforeAll(async () => {
    requireAddon();
    display = await startDisplay();
    display.spawnClient('xterm', ['-geometry', '80x24+0+0']);
    display.run('xdotool', ['windowactivate', '--sync', String(waitForWindow(display, 'xterm'))]);
  });
  afterAll(async () => {
    await display?.stop();
  });

  it('runs 300 start/drain/stop cycles while a uiohook-napi worker records the same display and xdotool sends input', async () => {
    const env = { ...systemSensorEnvironment(), vars: { ...process.env, DISPLAY: display.display } };
    // The reported hang came after a uiohook worker had used RECORD: one that started and stopped,
    // and one that keeps recording through all the cycles.
    const earlier = new UiohookInputSensor({ env });
    await earlier.start();
    await earlier.stop();
    const alongside = new UiohookInputSensor({ env });
    await alongside.start();
    expect(alongside.state().status).toBe('ok');
    const input = sendInputForever(display);
    try {
      const child = spawn(process.execPath, ['--import', 'tsx', fixture('cycles.ts'), display.display, '300'], {
        env: display.env,
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      // 300 cycles take a few seconds; two minutes without a line of progress can only be a hang.
      const result = await finalJson(child, 120_000, 'start/stop cycles');
      expect(result).toMatchObject({ cycles: 300, failures: [] });
      expect(result.counted).toBeGreaterThan(0); // the recorder counted the input it was sent
      expect(alongside.drain().moves).toBeGreaterThan(0); // and the uiohook worker kept recording too
    } finally {
      stopGroup(input);
      await alongside.stop();
    }
  });

  it('against an X server that stops answering, start() gives up as unavailable and stop() returns, with the event loop turning', async () => {
    const frozen = await startBareXvfb();
    const xvfbPid = frozen.xvfb.pid!;
    const child = spawn(process.execPath, ['--import', 'tsx', fixture('frozen-server.ts'), frozen.display], {
      env: { ...process.env, DISPLAY: frozen.display },
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const reader = lineReader(child);
    let thawed = false;
    const thaw = (): void => {
      if (!thawed) process.kill(xvfbPid, 'SIGCONT');
      thawed = true;
    };
    try {
      expect(await reader.next(60_000, 'child ready')).toBe('ready');
      process.kill(xvfbPid, 'SIGSTOP');
      child.stdin!.write('frozen\n');
      const during = JSON.parse(await reader.next(60_000, 'start/stop against a frozen server')) as Record<string, unknown>;
      expect(during).toMatchObject({
        state: { status: 'unavailable', backend: 'native-xrecord', reason: expect.stringContaining('did not start') },
        stopped: { status: 'unavailable', reason: 'stopped' },
      });
      expect(during.turns).toBeGreaterThan(0);
      thaw();
      child.stdin!.write('thawed\n');
      // Once the server answers again, the abandoned thread finishes and closes its connections.
      expect(JSON.parse(await reader.next(60_000, 'thread ends after thaw'))).toEqual({ threadsBack: true });
    } finally {
      thaw();
      child.kill('SIGKILL');
      frozen.xvfb.kill('SIGKILL');
    }
  });

  it('lets the process exit while a session is starting, recording or stopping, without a crash', () => {
    for (const when of ['starting', 'recording', 'stopping']) {
      for (let i = 0; i < 10; i += 1) {
        const run = spawnSync(process.execPath, [fixture('exit-mid-session.mjs'), when], { env: display.env, encoding: 'utf8', timeout: 60_000 });
        expect({ when, status: run.status, signal: run.signal, stderr: run.stderr }).toEqual({ when, status: 0, signal: null, stderr: '' });
      }
    }
  });
});
