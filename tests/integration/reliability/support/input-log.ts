import { spawn } from 'node:child_process';
import type { TestDisplay } from '../../../support/display.js';

/**
 * Keyboard input sent with xdotool without blocking the test process (the server under test runs in it, so a
 * synchronous xdotool would stall the very uploads being tested). Each burst is logged with its wall-clock span,
 * which is what lets a test bound the counts the agent may have recorded for any minute.
 */
export interface InputBurst {
  readonly keys: number;
  /** Epoch ms: when xdotool was started and when it exited. */
  readonly from: number;
  readonly to: number;
}

export class InputLog {
  readonly #display: TestDisplay;
  readonly #bursts: InputBurst[] = [];
  readonly #running = new Set<Promise<void>>();

  constructor(display: TestDisplay) {
    this.#display = display;
  }

  get bursts(): readonly InputBurst[] {
    return this.#bursts;
  }

  /** Types `text` (letters only: nothing a shell in a focused terminal would run) at `delayMs` per key. */
  type(text: string, delayMs: number): void {
    const from = Date.now();
    const child = spawn('xdotool', ['type', '--delay', String(delayMs), text], { env: this.#display.env, stdio: 'ignore' });
    const done = new Promise<void>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code) => {
        if (code !== 0) return reject(new Error(`xdotool type exited with ${code}`));
        this.#bursts.push({ keys: text.length, from, to: Date.now() });
        resolve();
      });
    }).finally(() => this.#running.delete(done));
    this.#running.add(done);
  }

  /** Waits for every burst in flight; rejects if xdotool failed. */
  async settle(): Promise<void> {
    await Promise.all([...this.#running]);
  }

  /** Keys sent at any moment in [fromMs, toMs): an upper bound on what the agent may have counted there. */
  keysSentBetween(fromMs: number, toMs: number): number {
    return this.#bursts.filter((b) => b.from < toMs && b.to >= fromMs).reduce((sum, b) => sum + b.keys, 0);
  }

  get totalKeys(): number {
    return this.#bursts.reduce((sum, b) => sum + b.keys, 0);
  }
}
