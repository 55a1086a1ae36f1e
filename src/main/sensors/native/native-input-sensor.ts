import type { InputRecorder, RecorderState } from '../../native/binding.js';
import { NATIVE_BACKENDS, type NativeCore } from '../../native/core.js';
import { toNativeX11Error } from '../../native/errors.js';
import { sensorLogger, type Logger } from '../logger.js';
import type { InputCounts, InputSensor, SensorState } from '../types.js';

const ZERO: InputCounts = { keyboard: 0, clicks: 0, wheel: 0, moves: 0 };
/** Polling the recorder's phase costs nothing (an atomic load); the X work happens on its thread. */
const POLL_MS = 10;

export interface NativeInputSensorOptions {
  readonly logger?: Logger;
  /** How long start() waits for the recording thread to say it records (default 10 s). */
  readonly startTimeoutMs?: number;
  /** How long stop() waits for the thread to close its connections (default 3 s). */
  readonly stopTimeoutMs?: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Input activity from the native recording thread (XRecord on X11, low-level hooks on Windows). The
 * thread only increments counters; drain() reads and resets them, so the cost per event stays in C and
 * JS runs once per drain.
 *
 * No call here waits on the X server: the recorder does every X call of a session on its own thread,
 * and start()/stop() only await its phase with timers. A server that never answers therefore leaves
 * the sensor unavailable after startTimeoutMs instead of blocking the agent's event loop.
 * Without RECORD (or when the X server goes away) the sensor reports unavailable and drains zeros.
 */
export class NativeInputSensor implements InputSensor {
  private recorder: InputRecorder | null = null;
  /** What the thread counted while it stopped (it reads the X server's last events first): the next drain()'s. */
  private leftover: InputCounts = ZERO;
  private readonly backend: string;
  private current: SensorState;
  private readonly log: Logger;

  constructor(
    private readonly core: NativeCore,
    private readonly options: NativeInputSensorOptions = {},
  ) {
    this.log = sensorLogger(options.logger, 'input');
    this.backend = NATIVE_BACKENDS[core.platform].input;
    this.current = { status: 'unavailable', backend: this.backend, reason: 'not started' };
  }

  async start(): Promise<void> {
    if (this.recorder) return;
    const recorder = new this.core.addon.InputRecorder(this.core.display);
    try {
      recorder.start(); // returns at once: the thread opens, enables and reports through state()
    } catch (error) {
      const failure = toNativeX11Error(error);
      this.current = { status: 'unavailable', backend: this.backend, reason: failure.message };
      this.log.warn({ code: failure.code }, 'input activity unavailable: %s', failure.message);
      return;
    }
    this.recorder = recorder;
    const state = await this.waitWhile(recorder, 'starting', this.options.startTimeoutMs ?? 10_000);
    if (state.phase === 'recording') {
      const detail = this.core.platform === 'win32' ? "low-level hooks on the addon's thread" : `XRecord on ${this.core.display}`;
      this.current = { status: 'ok', backend: this.backend, detail };
      return;
    }
    const reason = state.phase === 'starting' ? 'the X server did not start input recording in time' : (state.message ?? state.phase);
    this.current = { status: 'unavailable', backend: this.backend, reason };
    this.log.warn({ code: state.code ?? 'ERR_RECORD' }, 'input activity unavailable: %s', reason);
    recorder.stop();
    this.recorder = null;
  }

  drain(): InputCounts {
    const recorder = this.recorder;
    const leftover = this.leftover;
    this.leftover = ZERO;
    if (!recorder) return leftover;
    const counts = recorder.drain();
    if (!recorder.running()) this.noteStopped(recorder);
    return addCounts(leftover, counts);
  }

  state(): SensorState {
    return this.current;
  }

  async stop(): Promise<void> {
    const recorder = this.recorder;
    this.recorder = null;
    // A sensor that recorded stays `ok` (as uiohook's does): the tracker's last tick, after this, still counts it.
    this.current =
      this.current.status === 'ok'
        ? { status: 'ok', backend: this.backend, detail: 'stopped' }
        : { status: 'unavailable', backend: this.backend, reason: 'stopped' };
    if (!recorder) return;
    recorder.stop();
    // Let the thread close its connections before the caller closes the display or exits; it needs
    // no help from this thread, so a thread that takes longer is simply left to finish.
    const state = await this.waitWhile(recorder, 'stopping', this.options.stopTimeoutMs ?? 3000);
    if (state.phase === 'stopping') this.log.warn('input recording thread still closing its X connections');
    // Stopping reads what the X server (or the hook thread) had delivered but the thread had not yet read: the
    // last keys before a stop would otherwise be dropped with the recorder.
    this.leftover = addCounts(this.leftover, recorder.drain());
  }

  private async waitWhile(recorder: InputRecorder, phase: 'starting' | 'stopping', timeoutMs: number): Promise<RecorderState> {
    const deadline = Date.now() + timeoutMs;
    let state = recorder.state();
    while (state.phase === phase && Date.now() < deadline) {
      await sleep(POLL_MS);
      state = recorder.state();
    }
    return state;
  }

  private noteStopped(recorder: InputRecorder): void {
    if (this.current.status === 'unavailable') return;
    const reason = recorder.failure() ?? 'input recording stopped';
    this.current = { status: 'unavailable', backend: this.backend, reason };
    this.log.warn('input activity unavailable: %s', reason);
  }
}

function addCounts(sum: InputCounts, more: { keys: number; clicks: number; wheel: number; moves: number }): InputCounts {
  return { keyboard: sum.keyboard + more.keys, clicks: sum.clicks + more.clicks, wheel: sum.wheel + more.wheel, moves: sum.moves + more.moves };
}
