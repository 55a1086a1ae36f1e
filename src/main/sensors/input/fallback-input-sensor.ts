import { withTimeout } from '../timeout.js';
import type { InputCounts, InputSensor, SensorState } from '../types.js';

/** A preferred backend that has not started by then is passed over (its start may be stuck on X). */
const START_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 3000;

/**
 * Input activity that tries its preferred backend at start() and falls back when that backend
 * cannot run. Input is the one sensor whose fitness shows only when it starts (the X RECORD
 * extension, a hook thread), so the choice cannot be made when the sensors are built.
 */
export class FallbackInputSensor implements InputSensor {
  private active: InputSensor;
  private passedOver: string | null = null;

  constructor(
    private readonly preferred: InputSensor,
    private readonly fallback: () => InputSensor,
  ) {
    this.active = preferred;
  }

  async start(): Promise<void> {
    if (this.active !== this.preferred) return this.active.start();
    let why: string | null = null;
    try {
      await withTimeout(this.preferred.start(), START_TIMEOUT_MS, () => new Error(`did not start within ${START_TIMEOUT_MS / 1000} s`));
      const state = this.preferred.state();
      if (state.status === 'unavailable') why = `${state.backend}: ${state.reason}`;
    } catch (error) {
      why = `${this.preferred.state().backend}: ${error instanceof Error ? error.message : String(error)}`;
    }
    if (why === null) return;
    await withTimeout(this.preferred.stop(), STOP_TIMEOUT_MS, () => new Error('stop timed out')).catch(() => undefined);
    this.passedOver = why;
    this.active = this.fallback();
    await this.active.start();
  }

  drain(): InputCounts {
    return this.active.drain();
  }

  state(): SensorState {
    const state = this.active.state();
    if (!this.passedOver) return state;
    return state.status === 'ok'
      ? { ...state, detail: `${state.detail ?? 'ok'}; ${this.passedOver}` }
      : { ...state, reason: `${state.reason}; ${this.passedOver}` };
  }

  stop(): Promise<void> {
    return this.active.stop();
  }
}
