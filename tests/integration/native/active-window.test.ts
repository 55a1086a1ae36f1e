import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { X11Session } from '../../../src/main/native/binding.js';
import { openNativeX11, type NativeX11 } from '../../../src/main/native/x11.js';
import { NativeActiveWindowSensor } from '../../../src/main/sensors/native/native-active-window-sensor.js';
import { startDisplay, type TestDisplay } from '../../support/display.js';
import { eventually, requireAddon, waitForWindow } from './native-support.js';

describe('native active window', () => {
  let display: TestDisplay;
  let x11: NativeX11;
  let session: X11Session;
  let xterm: ChildProcess;
  let xtermId: number;
  let messageId: number;

  beforeAll(async () => {
    requireAddon();
    display = await startDisplay();
    // xterm sets only WM_NAME (a Latin-1 STRING) and _NET_WM_PID; xmessage (Xt) sets WM_NAME and no _NET_WM_PID.
    xterm = display.spawnClient('xterm', ['-T', 'héllo — build log', '-geometry', '80x20+0+0']);
    display.spawnClient('xmessage', ['-name', 'no-pid-window', '-title', 'café, no pid', '-geometry', '+700+400', 'a window that does not name its process']);
    xtermId = waitForWindow(display, 'xterm');
    messageId = waitForWindow(display, 'xmessage');
    const opened = openNativeX11({ display: display.display });
    if (!opened.ok) throw opened.error;
    x11 = opened.x11;
    session = x11.session;
  });

  afterAll(async () => {
    session?.close();
    await display?.stop();
  });

  function activate(id: number): void {
    display.run('xdotool', ['windowactivate', '--sync', String(id)]);
  }

  it('reads an xterm that sets only WM_NAME: title, class and pid', async () => {
    const props = display.run('xprop', ['-id', String(xtermId)]);
    expect(props).not.toContain('_NET_WM_NAME'); // the case this test is about
    expect(props).toContain('WM_NAME(COMPOUND_TEXT)'); // the dash is not Latin-1, so xterm sends COMPOUND_TEXT
    activate(xtermId);
    expect(await eventually(() => session.activeWindow()?.id === xtermId)).toBe(true);
    expect(session.activeWindow()).toEqual({
      id: xtermId,
      title: 'héllo — build log',
      titleSource: 'WM_NAME',
      instanceName: 'xterm',
      className: 'XTerm',
      pid: xterm.pid,
    });
  });

  it('reads a window without _NET_WM_PID: right title, no pid, no throw', async () => {
    const props = display.run('xprop', ['-id', String(messageId)]);
    expect(props).not.toContain('_NET_WM_PID');
    expect(props).toContain('WM_NAME(STRING)'); // ICCCM Latin-1

    activate(messageId);
    expect(await eventually(() => session.activeWindow()?.id === messageId)).toBe(true);
    const window = session.activeWindow();
    expect(window).toMatchObject({ title: 'café, no pid', titleSource: 'WM_NAME', className: 'Xmessage' });
    expect(window).not.toHaveProperty('pid');
    const sensor = new NativeActiveWindowSensor(x11);
    // Without a pid the application's names are WM_CLASS only (class and instance): the private-window rules match those.
    expect(await sensor.sample()).toEqual({ app: 'Xmessage', title: 'café, no pid', appNames: ['Xmessage', 'no-pid-window'] });
    expect(sensor.state()).toMatchObject({ status: 'ok', backend: 'native-x11' });
  });

  it('prefers _NET_WM_NAME as UTF-8 when the window sets it', async () => {
    display.run('xprop', ['-id', String(messageId), '-f', '_NET_WM_NAME', '8u', '-set', '_NET_WM_NAME', '日本語 ✓ notes']);
    activate(messageId);
    expect(await eventually(() => session.activeWindow()?.titleSource === '_NET_WM_NAME')).toBe(true);
    expect(session.activeWindow()?.title).toBe('日本語 ✓ notes');
  });

  it('gives the sensor sample the tracker stores', async () => {
    activate(xtermId);
    const sensor = new NativeActiveWindowSensor(x11);
    expect(await eventually(() => session.activeWindow()?.id === xtermId)).toBe(true);
    // With a pid, the executable's names too (/proc/PID/exe and comm).
    expect(await sensor.sample()).toEqual({ app: 'XTerm', title: expect.stringMatching(/^héllo/), pid: xterm.pid, appNames: ['XTerm', 'xterm'] });
  });
});
