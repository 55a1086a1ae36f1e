import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDisplay, type TestDisplay } from '../support/display.js';

describe('test display harness', () => {
  let display: TestDisplay;
  beforeAll(async () => {
    display = await startDisplay();
  });
  afterAll(async () => {
    await display?.stop();
  });

  it('runs Xvfb with a window manager that publishes the active window', () => {
    expect(display.run('xdpyinfo', []).includes('1920x1080')).toBe(true);
    expect(display.run('xprop', ['-root', '_NET_SUPPORTED'])).toContain('_NET_ACTIVE_WINDOW');
  });
});
