/**
 * Turns how the input worker ended into a reason a person understands. libuiohook prints the cause
 * to stderr just before it aborts ("XOpenDisplay failure!", "extension \"RECORD\" missing"), so
 * the tail of the worker's stderr is read first; the exit code or signal is the fallback.
 */
export interface WorkerExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** The last few kilobytes the worker wrote to stderr. */
  readonly stderr: string;
  /** The DISPLAY the worker was given, for the message. */
  readonly display: string | undefined;
}

export function describeWorkerExit(exit: WorkerExit): string {
  const how = exit.signal ? `signal ${exit.signal}` : `code ${exit.code ?? 'unknown'}`;
  const cause = causeFromStderr(exit.stderr, exit.display);
  return cause ? `${cause} (input worker exited with ${how})` : `input worker exited with ${how}`;
}

/** What libuiohook or node said before the worker ended or stalled, or null when it said nothing known. */
export function causeFromStderr(stderr: string, display: string | undefined): string | null {
  if (/RECORD/.test(stderr) && /(missing|not currently available)/i.test(stderr)) {
    return 'the X server has no RECORD extension';
  }
  if (/XOpenDisplay failure|cannot open display/i.test(stderr)) {
    return `cannot open the X display ${display ?? '(DISPLAY is not set)'}`;
  }
  if (/Cannot find module|ERR_MODULE_NOT_FOUND/.test(stderr)) {
    return 'the input worker could not load uiohook-napi';
  }
  return null;
}

/** Keeps only the tail of a stream: a chatty worker must not grow the agent's memory. */
export class TailBuffer {
  private text = '';
  constructor(private readonly limit = 4096) {}
  push(chunk: Buffer | string): void {
    this.text = (this.text + chunk.toString()).slice(-this.limit);
  }
  toString(): string {
    return this.text;
  }
}
