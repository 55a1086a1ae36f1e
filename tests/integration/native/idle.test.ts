import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNativeX11, type NativeX11 } from '../../../src/main/native/x11.js';
import { NativeIdleReader } from '../../../src/main/sensors/native/native-idle-reader.js';
import { startDisplay, type TestDisplay } from '../../support/display.js';
import { requireAddon, sleep } from './native-support.js';

describe('native idle time (XScreenSaver)', () => {
  let display: TestDisplay;
  let x11: NativeX11;

  beforeAll(async () => {
    requireAddon();
    display = await startDisplay({ windowManager: false });
    const opened = openNativeX11({ display: display.display });
    if (!opened.ok) throw opened.error;
    x11 = opened.x11;
  });

  afterAll(async () => {
    x11?.session.close();
    await display?.stop();
  });

  it('grows while nobody touches anything and drops back with input', async () => {
    const reader = new NativeIdleReader(x11);
    expect(reader.state()).toMatchObject({ status: 'ok', backend: 'native-xscreensaver' });
    display.run('xdotool', ['mousemove', '10', '10']);
    const first = reader.idleMs();
    await sleep(1200);
    const later = reader.idleMs();
    expect(first).not.toBeNull();
    expect(later).not.toBeNull();
    expect(later!).toBeGreaterThan(first!);
    expect(later! - first!).toBeGreaterThanOrEqual(1000); // the server's clock, not ours: no speed claim

    display.run('xdotool', ['key', 'shift']);
    expect(reader.idleMs()!).toBeLessThan(later!);
    await sleep(600);
    display.run('xdotool', ['mousemove', '50', '60']);
    expect(reader.idleMs()!).toBeLessThan(later!);
  });
});
