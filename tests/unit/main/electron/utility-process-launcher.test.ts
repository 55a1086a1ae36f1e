import { EventEmitter } from 'node:events';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { utilityProcessLauncher } from '../../../../src/main/electron/utility-process-launcher.js';
import { createSensors } from '../../../../src/main/sensors/index.js';
import { UiohookInputSensor } from '../../../../src/main/sensors/input/uiohook-input-sensor.js';
import { parentLink } from '../../../../src/main/sensors/input/worker-parent.js';
import { fakeElectron } from '../../../support/fake-electron.js';
import { requireTools, startDisplay, type TestDisplay } from '../../../support/display.js';
import { inputTotals, linuxSensorEnv, unusedDisplay, withoutDisplay } from '../../../support/sensor-env.js';
import { isAlive } from '../../../support/wait.js';

/**
 * The uiohook input worker as an Electron utility process. The fake utilityProcess runs the real worker in a real
 * node process that has Electron's process.parentPort and no Node IPC, so what is shown here is the worker's port
 * path, the launcher and the sensor together: an abort still ends only the worker, counts still arrive.
 */
const launcher = utilityProcessLauncher(fakeElectron.utilityProcess);

const sensors: UiohookInputSensor[] = [];
function sensor(vars: NodeJS.ProcessEnv): UiohookInputSensor {
  const created = new UiohookInputSensor({ env: linuxSensorEnv(vars), launcher });
  sensors.push(created);
  return created;
}
afterEach(async () => {
  for (const s of sensors.splice(0)) await s.stop();
});

describe('input worker in an Electron utility process', () => {
  let display: TestDisplay;
  beforeAll(async () => {
    requireTools(['xdotool']);
    display = await startDisplay({ windowManager: false });
  });
  afterAll(async () => {
    await display?.stop();
  });

  it('forks the worker module as Electron asks (stdin ignored, stderr piped, named) and counts the keys sent', async () => {
    const input = sensor(display.env);
    await input.start();
    expect(input.state()).toEqual({ status: 'ok', backend: 'uiohook-napi', detail: 'hook running in an Electron utility process' });
    const forked = fakeElectron.utilityProcesses.at(-1)!;
    expect(forked.modulePath).toMatch(/sensors\/input\/uiohook-worker\.(ts|js)$/);
    expect(forked.options).toMatchObject({ stdio: ['ignore', 'ignore', 'pipe'], serviceName: 'Worktrace input activity' });
    expect(forked.options.env?.DISPLAY).toBe(display.display);
    expect(input.workerPid).toBe(forked.pid);

    const { total, add } = inputTotals();
    display.run('xdotool', ['type', '--delay', '15', 'abcde']);
    display.run('xdotool', ['click', '--repeat', '2', '--delay', '30', '1']);
    await vi.waitFor(
      () => {
        add(input.drain());
        expect({ keyboard: total.keyboard, clicks: total.clicks }).toEqual({ keyboard: 5, clicks: 2 });
      },
      { timeout: 20_000, interval: 50 },
    );
  });

  it('stop() asks the worker to end and it exits', async () => {
    const input = sensor(display.env);
    await input.start();
    const pid = input.workerPid!;
    expect(isAlive(pid)).toBe(true);
    await input.stop();
    await vi.waitFor(() => expect(isAlive(pid)).toBe(false), { timeout: 10_000 });
    expect(input.workerPid).toBeUndefined();
  });

  it('a worker that dies makes the sensor unavailable; the app lives on', async () => {
    const input = sensor(display.env);
    await input.start();
    process.kill(input.workerPid!, 'SIGKILL');
    await vi.waitFor(() => expect(input.state().status).toBe('unavailable'), { timeout: 10_000 });
    expect(input.state()).toMatchObject({ reason: expect.stringMatching(/^input worker exited with code \d+/) });
    expect(input.drain()).toEqual({ keyboard: 0, clicks: 0, wheel: 0, moves: 0 });
  });
});

describe('input worker in a utility process without a usable X server', () => {
  it('is unavailable without DISPLAY and starts nothing', async () => {
    const before = fakeElectron.utilityProcesses.length;
    const input = sensor(withoutDisplay());
    await input.start();
    expect(input.state()).toEqual({ status: 'unavailable', backend: 'uiohook-napi', reason: 'no X display (DISPLAY is not set)' });
    expect(fakeElectron.utilityProcesses.length).toBe(before);
  });

  it('libuiohook aborts only the utility process: unavailable, with the reason from its stderr', async () => {
    const missing = unusedDisplay(950, 1000);
    const input = sensor({ ...withoutDisplay(), DISPLAY: missing });
    await input.start();
    await vi.waitFor(() => expect(input.state().status).toBe('unavailable'), { timeout: 20_000 });
    const state = input.state();
    expect(state.status === 'unavailable' ? state.reason : '').toMatch(new RegExp(`^cannot open the X display ${missing}`));
    expect(isAlive(process.pid)).toBe(true);
  });
});

describe('wiring and the worker side of the port', () => {
  it('createSensors hands the launcher to the uiohook sensor', () => {
    const vars = { ...process.env, DISPLAY: ':0', WORKTRACE_SENSORS: 'npm' };
    const { input } = createSensors(linuxSensorEnv(vars), { inputWorkers: launcher });
    expect(input.state()).toMatchObject({ backend: 'uiohook-napi', detail: 'starts uiohook-napi in an Electron utility process' });
  });

  it('in a utility process the worker talks over parentPort and ends when its parent pid changes', () => {
    vi.useFakeTimers();
    try {
      const port = Object.assign(new EventEmitter(), { postMessage: vi.fn() });
      const proc = { parentPort: port, ppid: 4242, send: undefined } as unknown as NodeJS.Process;
      const link = parentLink(proc)!;
      const received: unknown[] = [];
      link.onMessage((raw) => received.push(raw));
      port.emit('message', { data: { type: 'stop' }, ports: [] });
      expect(received).toEqual([{ type: 'stop' }]);

      const then = vi.fn();
      link.send({ type: 'ready' }, then);
      expect(port.postMessage).toHaveBeenCalledWith({ type: 'ready' });
      expect(then).not.toHaveBeenCalled(); // exiting at once could lose the message
      vi.advanceTimersByTime(200);
      expect(then).toHaveBeenCalledOnce();

      const gone = vi.fn();
      link.onParentGone(gone);
      vi.advanceTimersByTime(3000);
      expect(gone).not.toHaveBeenCalled();
      (proc as { ppid: number }).ppid = 1; // the app died: the worker was re-parented
      vi.advanceTimersByTime(1500);
      expect(gone).toHaveBeenCalled();
    } finally {
      vi.useRealTimers();
    }
  });

  it('without parentPort or an IPC channel there is no parent to talk to', () => {
    expect(parentLink({ ppid: 1 } as unknown as NodeJS.Process)).toBeNull();
  });
});
