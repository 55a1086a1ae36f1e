import { startDisplay, type TestDisplay } from '../../tests/support/display.js';

/**
 * The benchmark screen: Xvfb 1920x1080 with openbox, two terminals full of text and an image,
 * plus a window that sets only WM_NAME and has no _NET_WM_PID (xmessage) for the correctness rows.
 */
export interface BenchScreen {
  readonly display: TestDisplay;
  readonly xtermId: number;
  readonly xtermPid: number;
  readonly noPidId: number;
}

function windowOf(display: TestDisplay, className: string): number {
  const id = Number(display.run('xdotool', ['search', '--sync', '--onlyvisible', '--class', className]).trim().split('\n')[0]);
  if (!Number.isInteger(id) || id <= 0) throw new Error(`no ${className} window`);
  return id;
}

export async function prepareScreen(): Promise<BenchScreen> {
  const display = await startDisplay({ width: 1920, height: 1080 });
  const text = ['-hold', '-e', 'sh', '-c', 'ls -la /usr/lib | head -60; seq 1 40 | paste -sd" "'];
  const xterm = display.spawnClient('xterm', ['-T', 'build log', '-geometry', '110x50+0+0', ...text]);
  display.spawnClient('xterm', ['-class', 'Notes', '-bg', '#fdf6e3', '-fg', '#333', '-geometry', '100x40+700+80', ...text]);
  display.spawnClient('display', ['-geometry', '+1100+500', '-size', '640x420', 'plasma:fractal']);
  display.spawnClient('xmessage', ['-name', 'no-pid', '-title', 'a window without a pid', '-geometry', '+300+800', 'hello']);
  const xtermId = windowOf(display, 'xterm');
  windowOf(display, 'Notes');
  windowOf(display, 'display');
  const noPidId = windowOf(display, 'xmessage');
  await new Promise((resolve) => setTimeout(resolve, 1500)); // let every client paint
  if (xterm.pid === undefined) throw new Error('xterm did not start');
  return { display, xtermId, xtermPid: xterm.pid, noPidId };
}
