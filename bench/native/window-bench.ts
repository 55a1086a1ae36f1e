import type { NativeX11 } from '../../src/main/native/x11.js';
import { systemSensorEnvironment } from '../../src/main/sensors/environment.js';
import { NativeActiveWindowSensor } from '../../src/main/sensors/native/native-active-window-sensor.js';
import type { ActiveWindowSensor, WindowSample } from '../../src/main/sensors/types.js';
import { ActiveWinSensor } from '../../src/main/sensors/window/active-win-sensor.js';
import { countChildProcesses } from './child-counter.js';
import { percentile, round, timeRuns } from './measure.js';
import type { BenchScreen } from './screen.js';

export interface WindowFigures {
  readonly sampleP50Ms: number;
  readonly cpuMsPerSample: number;
  readonly childProcessesPerSample: number;
  /** What each path reports for an xterm (WM_NAME only) and for a window without _NET_WM_PID. */
  readonly xterm: WindowSample | null;
  readonly noPidWindow: WindowSample | null;
}

async function measure(screen: BenchScreen, sensor: ActiveWindowSensor, runs: number): Promise<WindowFigures> {
  const activate = (id: number) => screen.display.run('xdotool', ['windowactivate', '--sync', String(id)]);
  activate(screen.noPidId);
  const noPidWindow = await sensor.sample();
  activate(screen.xtermId);
  const xterm = await sensor.sample();
  const children = countChildProcesses();
  const timed = await timeRuns(runs, 2, () => sensor.sample());
  const childProcessesPerSample = children.count() / (runs + 2);
  children.restore();
  return {
    sampleP50Ms: round(percentile(timed.wallMs, 50), 3),
    cpuMsPerSample: round(timed.cpuMsPerRun, 3),
    childProcessesPerSample: round(childProcessesPerSample),
    xterm,
    noPidWindow,
  };
}

/** The focused-window sample: active-win 8 (xprop twice + xwininfo) against X properties read in-process. */
export async function benchActiveWindow(screen: BenchScreen, x11: NativeX11, runs: number): Promise<{ library: WindowFigures; native: WindowFigures }> {
  const library = await measure(screen, new ActiveWinSensor({ env: systemSensorEnvironment() }), Math.max(10, Math.floor(runs / 10)));
  const native = await measure(screen, new NativeActiveWindowSensor(x11), runs);
  return { library, native };
}
