import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { UiohookInputSensor } from '../../../src/main/sensors/input/uiohook-input-sensor.js';
import { requireTools, startDisplay, type TestDisplay } from '../../support/display.js';
import { inputTotals, linuxSensorEnv, unusedDisplay, withoutDisplay } from '../../support/sensor-env.js';
import { isAlive, sleep, waitUntil } from '../../support/wait.js';

const sensors: UiohookInputSensor[] = [];
function sensor(vars: NodeJS.ProcessEnv): UiohookInputSensor {
  const s = new UiohookInputSensor({ env: linuxSensorEnv(vars) });
  sensors.push(s);
  return s;
}

afterEach(async () => {
  for (const s of sensors.splice(0)) await s.stop();
});

describe('uiohook input sensor under Xvfb', () => {
  let display: TestDisplay;
  beforeAll(async () => {
    requireTools(['xdotool']);
    display = await startDisplay();
  });
  afterAll(async () => {
    await display?.stop();
  });

  it('counts exactly the keys, clicks and wheel notches xdotool sends, and some moves', async () => {
    const input = sensor(display.env);
    await input.start();
    expect(input.state()).toMatchObject({ status: 'ok', backend: 'uiohook-napi' });
    expect(input.workerPid).toBeGreaterThan(0);

    const { total, add } = inputTotals();
    display.run('xdotool', ['mousemove', '50', '50']);
    await sleep(1500); // let the worker report the warm-up move, then start from zero
    input.drain();

    display.run('xdotool', ['type', '--delay', '15', 'hello world hello world x']); // 25 keys, no shift
    display.run('xdotool', ['click', '--repeat', '7', '--delay', '30', '1']);
    display.run('xdotool', ['click', '--repeat', '5', '--delay', '30', '4']);
    for (const [x, y] of [[300, 200], [600, 400], [900, 700]]) display.run('xdotool', ['mousemove', String(x), String(y)]);

    await waitUntil(() => {
      add(input.drain());
      return total.keyboard >= 25 && total.clicks >= 7 && total.wheel >= 5 && total.moves > 0;
    }, 'the counts to arrive');
    // Give a late batch the chance to show up: nothing more than what was sent may be counted.
    await sleep(2200);
    add(input.drain());
    expect({ keyboard: total.keyboard, clicks: total.clicks, wheel: total.wheel }).toEqual({ keyboard: 25, clicks: 7, wheel: 5 });
    expect(total.moves).toBeGreaterThan(0);
  });

  it('stops its worker on stop()', async () => {
    const input = sensor(display.env);
    await input.start();
    const pid = input.workerPid!;
    expect(isAlive(pid)).toBe(true);
    await input.stop();
    await waitUntil(() => !isAlive(pid), 'the worker to exit');
    expect(input.workerPid).toBeUndefined();
  });

  it('becomes unavailable, and the agent lives on, when the worker is killed', async () => {
    const input = sensor(display.env);
    await input.start();
    process.kill(input.workerPid!, 'SIGKILL');
    await waitUntil(() => input.state().status === 'unavailable', 'the sensor to notice');
    expect(input.state()).toMatchObject({ status: 'unavailable', reason: 'input worker exited with signal SIGKILL' });
    expect(input.drain()).toEqual({ keyboard: 0, clicks: 0, wheel: 0, moves: 0 });
    await input.stop(); // must not hang on a dead worker
  });

  it('takes its worker down with it when the agent is killed', async () => {
    const fixture = fileURLToPath(new URL('./fixtures/input-parent.ts', import.meta.url));
    const parent = spawn(process.execPath, ['--import', 'tsx', fixture], { env: display.env, stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const line = await new Promise<string>((resolve, reject) => {
        createInterface({ input: parent.stdout! }).once('line', resolve);
        parent.once('exit', () => reject(new Error('the stand-in agent exited early')));
      });
      const { workerPid, status } = JSON.parse(line) as { workerPid: number | null; status: string };
      expect(status).toBe('ok');
      expect(workerPid).toBeGreaterThan(0);
      parent.kill('SIGKILL');
      await waitUntil(() => !isAlive(workerPid!), 'the orphaned worker to exit');
    } finally {
      parent.kill('SIGKILL');
    }
  });
});

describe('uiohook input sensor without a usable X server', () => {
  it('is unavailable without DISPLAY and forks nothing', async () => {
    const input = sensor(withoutDisplay());
    await input.start();
    expect(input.state()).toEqual({ status: 'unavailable', backend: 'uiohook-napi', reason: 'no X display (DISPLAY is not set)' });
    expect(input.workerPid).toBeUndefined();
  });

  it('is unavailable, not aborted, when DISPLAY names a display that does not exist', async () => {
    const missing = unusedDisplay(900, 950);
    const input = sensor({ ...withoutDisplay(), DISPLAY: missing });
    await input.start();
    await waitUntil(() => input.state().status === 'unavailable', 'the worker to fail');
    const state = input.state();
    expect(state.status === 'unavailable' ? state.reason : '').toMatch(new RegExp(`^cannot open the X display ${missing}`));
    expect(isAlive(process.pid)).toBe(true); // uiohook aborted its own process, not this one
  });

  it('is unavailable, not aborted, on an X server without the RECORD extension', async () => {
    const noRecord = await startDisplay({ windowManager: false, xvfbArgs: ['-extension', 'RECORD'] });
    try {
      expect(noRecord.run('xdpyinfo', [])).not.toMatch(/^\s+RECORD$/m);
      const input = sensor(noRecord.env);
      await input.start();
      await waitUntil(() => input.state().status === 'unavailable', 'the worker to fail');
      expect(input.state()).toMatchObject({ status: 'unavailable' });
      const state = input.state();
      expect(state.status === 'unavailable' ? state.reason : '').toMatch(/^the X server has no RECORD extension/);
    } finally {
      await noRecord.stop();
    }
  });
});
