import type { InputRecorder } from '../../native/binding.js';
import { toNativeX11Error } from '../../native/errors.js';
import type { NativeX11 } from '../../native/x11.js';
import { sensorLogger, type Logger } from '../logger.js';
import type { InputCounts, InputSensor, SensorState } from '../types.js';

const BACKEND = 'native-xrecord';
const ZERO: InputCounts = { keyboard: 0, clicks: 0, wheel: 0, moves: 0 };

/**
 * Input activity from the native XRecord thread. The thread only increments counters; drain()
 * reads and resets them, so the cost per event stays in C and JS runs once per drain.
 * Without RECORD (or when the X server goes away) the sensor reports unavailable and drains zeros.
 */
export class NativeInputSensor implements InputSensor {
  private recorder: InputRecorder | null = null;
  private current: SensorState = { status: 'unavailable', backend: BACKEND, reason: 'not started' };
  private readonly log: Logger;

  constructor(
    private readonly x11: NativeX11,
    options: { readonly logger?: Logger } = {},
  ) {
    this.log = sensorLogger(options.logger, 'input');
  }

  async start(): Promise<void> {
    if (this.recorder) return;
    const recorder = new this.x11.addon.InputRecorder(this.x11.display);
    try {
      recorder.start();
    } catch (error) {
      const failure = toNativeX11Error(error);
      this.current = { status: 'unavailable', backend: BACKEND, reason: failure.message };
      this.log.warn({ code: failure.code }, 'input activity unavailable: %s', failure.message);
      return;
    }
    this.recorder = recorder;
    this.current = { status: 'ok', backend: BACKEND, detail: `XRecord on ${this.x11.display}` };
  }

  drain(): InputCounts {
    const recorder = this.recorder;
    if (!recorder) return ZERO;
    const counts = recorder.drain();
    if (!recorder.running()) this.noteStopped(recorder);
    return { keyboard: counts.keys, clicks: counts.clicks, wheel: counts.wheel, moves: counts.moves };
  }

  state(): SensorState {
    return this.current;
  }

  async stop(): Promise<void> {
    this.recorder?.stop();
    this.recorder = null;
    this.current = { status: 'unavailable', backend: BACKEND, reason: 'stopped' };
  }

  private noteStopped(recorder: InputRecorder): void {
    if (this.current.status === 'unavailable') return;
    const reason = recorder.failure() ?? 'input recording stopped';
    this.current = { status: 'unavailable', backend: BACKEND, reason };
    this.log.warn('input activity unavailable: %s', reason);
  }
}
