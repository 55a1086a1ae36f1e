import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNativeX11, type NativeX11 } from '../../../src/main/native/x11.js';
import { NativeInputSensor } from '../../../src/main/sensors/native/native-input-sensor.js';
import type { InputCounts } from '../../../src/main/sensors/types.js';
import { startDisplay, type TestDisplay } from '../../support/display.js';
import { inputTotals } from '../../support/sensor-env.js';
import { eventually, requireAddon, sleep, waitForWindow } from './native-support.js';

const threadCount = (): number => readdirSync('/proc/self/task').length;

describe('native input accounting (XRecord)', () => {
  let display: TestDisplay;
  let x11: NativeX11;

  beforeAll(async () => {
    requireAddon();
    display = await startDisplay();
    display.spawnClient('xterm', ['-geometry', '80x24+0+0']);
    display.run('xdotool', ['windowactivate', '--sync', String(waitForWindow(display, 'xterm'))]);
    const opened = openNativeX11({ display: display.display });
    if (!opened.ok) throw opened.error;
    x11 = opened.x11;
  });

  afterAll(async () => {
    x11?.session.close();
    await display?.stop();
  });

  /** Drains until the totals reach `expected` (or a deadline), then once more to catch any surplus. */
  async function collect(sensor: NativeInputSensor, expected: InputCounts): Promise<InputCounts> {
    const { total, add } = inputTotals();
    await eventually(() => {
      add(sensor.drain());
      return (Object.keys(expected) as (keyof InputCounts)[]).every((k) => total[k] >= expected[k]);
    });
    await sleep(300);
    add(sensor.drain());
    return total;
  }

  it('counts exactly the keys, clicks, wheel notches and moves xdotool sent', async () => {
    const sensor = new NativeInputSensor(x11);
    await sensor.start();
    expect(sensor.state()).toMatchObject({ status: 'ok', backend: 'native-xrecord' });
    display.run('xdotool', ['mousemove', '400', '300']);
    await eventually(() => sensor.drain().moves > 0); // settle the pointer, then start from zero
    await sleep(200);
    sensor.drain();

    const keys = 'qwertyuiopasdfghjklzxcvbnm'.split('').slice(0, 23);
    display.run('xdotool', ['key', '--delay', '5', ...keys]);
    for (let i = 0; i < 7; i += 1) display.run('xdotool', ['click', '1']);
    // 4/5 are vertical wheel notches, 6/7 horizontal: all count as wheel, none as clicks.
    display.run('xdotool', ['click', '--repeat', '5', '--delay', '5', '4']);
    display.run('xdotool', ['click', '--repeat', '3', '--delay', '5', '5']);
    display.run('xdotool', ['click', '6', 'click', '7']);
    const moves: string[] = [];
    for (let i = 1; i <= 40; i += 1) moves.push('mousemove', String(400 + i * 5), String(300 + (i % 7)));
    display.run('xdotool', moves);

    expect(await collect(sensor, { keyboard: 23, clicks: 7, wheel: 10, moves: 40 })).toEqual({
      keyboard: 23,
      clicks: 7,
      wheel: 10,
      moves: 40,
    });
    await sensor.stop();
  });

  it('drains to zero when nothing happens, and resets on every drain', async () => {
    const sensor = new NativeInputSensor(x11);
    await sensor.start();
    display.run('xdotool', ['key', 'a', 'b', 'c']);
    expect(await collect(sensor, { keyboard: 3, clicks: 0, wheel: 0, moves: 0 })).toMatchObject({ keyboard: 3 });
    expect(sensor.drain()).toEqual({ keyboard: 0, clicks: 0, wheel: 0, moves: 0 });
    await sensor.stop();
  });

  it('starts and stops without waiting on X: the thread reports its phase, ends after stop(), and a restart counts again', async () => {
    const before = threadCount();
    const recorder = new x11.addon.InputRecorder(x11.display);
    expect(recorder.state()).toEqual({ phase: 'idle' });
    recorder.start();
    expect(recorder.running()).toBe(true);
    expect(await eventually(() => recorder.state().phase === 'recording')).toBe(true);
    expect(threadCount()).toBe(before + 1);
    expect(() => recorder.start()).toThrow(expect.objectContaining({ code: 'ERR_ALREADY_STARTED' }));
    recorder.stop();
    expect(recorder.running()).toBe(false);
    expect(await eventually(() => recorder.state().phase === 'stopped')).toBe(true);
    expect(await eventually(() => threadCount() === before)).toBe(true);
    expect(recorder.failure()).toBeNull();
    recorder.stop(); // idempotent

    recorder.start();
    expect(await eventually(() => recorder.state().phase === 'recording')).toBe(true);
    display.run('xdotool', ['key', 'x', 'y']);
    let keys = 0;
    await eventually(() => (keys += recorder.drain().keys) >= 2);
    expect(keys).toBe(2);
    recorder.stop();
    expect(await eventually(() => threadCount() === before)).toBe(true);
  });
});
