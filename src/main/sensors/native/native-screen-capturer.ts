import type { WindowIdentity } from '../../../shared/privacy/index.js';
import { BLUR_SIGMA, DEFAULT_MAX_WIDTH, DEFAULT_QUALITY } from '../../capture/encode.js';
import type { JpegFrame, PrivateWindowDecision, RawFrame, StackedWindow } from '../../native/binding.js';
import { NATIVE_BACKENDS, type NativeCore } from '../../native/core.js';
import { NativeX11Error, toNativeX11Error } from '../../native/errors.js';
import { x11AppNames } from '../app-names.js';
import type { CaptureOptions, CapturedImage, ScreenCapturer, SensorState } from '../types.js';

/** The X11 addon paints private windows out of captures from this ABI on; older builds would ignore the decision. */
const REDACTION_ABI = 3;

export interface NativeCaptureOptions {
  /**
   * 3 (default) gives R,G,B: the encoder drops alpha anyway, and skipping it made capture + encode
   * about 30% cheaper in the benchmark. 4 gives R,G,B,A (alpha 255).
   */
  readonly channels?: 3 | 4;
  /**
   * 'all' (default): one image of every monitor (their bounding box). 'primary': only the primary
   * monitor (the first when none is marked), like the screenshot-desktop backend.
   */
  readonly area?: 'all' | 'primary';
  /**
   * 'raw' (default): capture() returns pixels for the sharp encoder. 'jpeg': capture() returns the finished
   * screenshot from the addon's own encoder (area-average downscale, blur when asked, libjpeg), encoded on
   * libuv's thread pool, so the agent never loads sharp/libvips (about 35 MB resident). Falls back to
   * 'raw' with an addon built before the encoder (abiVersion < 2).
   */
  readonly output?: 'raw' | 'jpeg';
}

/**
 * Screenshots through MIT-SHM (on Windows: BitBlt of the virtual screen). capture() returns by default one
 * composite image of all monitors (their bounding box, what `import -window root` gives on X11), as raw
 * pixels for the encoder: no PNG round trip, one copy out of the shared segment (the DIB section).
 * captureEach() gives one image per monitor for callers that want them apart.
 */
export class NativeScreenCapturer implements ScreenCapturer {
  private current: SensorState;
  private readonly channels: 3 | 4;
  private readonly area: 'all' | 'primary';
  private readonly jpeg: boolean;
  private readonly backend: string;
  /**
   * Paints private windows out, reading every window's frame in the same server grab as the pixels (X11). The
   * Windows core cannot yet: there a screenshot is skipped while a private window is focused (CaptureScreenshotTaker).
   */
  readonly redactsWindows: boolean;

  constructor(
    private readonly core: NativeCore,
    options: NativeCaptureOptions = {},
  ) {
    this.channels = options.channels ?? 3;
    this.area = options.area ?? 'all';
    this.jpeg = options.output === 'jpeg' && typeof core.session.captureJpeg === 'function';
    this.backend = NATIVE_BACKENDS[core.platform].capture;
    this.redactsWindows = core.platform === 'x11' && core.addon.abiVersion >= REDACTION_ABI;
    const detail =
      core.platform === 'win32'
        ? `BitBlt of the virtual screen${this.jpeg ? ', native JPEG encoder (WIC)' : ''}`
        : `MIT-SHM on ${core.display}${this.jpeg ? ', native JPEG encoder' : ''}`;
    this.current = { status: 'ok', backend: this.backend, detail };
  }

  async capture(options: CaptureOptions = {}): Promise<CapturedImage> {
    if (options.isPrivate) return this.captureRedacted(options, privateWindowDecision(options.isPrivate));
    const session = this.core.session;
    if (this.jpeg && session.captureJpeg) {
      const blurred = options.blur === true;
      const captureJpeg = session.captureJpeg.bind(session);
      const frame = await this.grabAsync(() => captureJpeg(this.area, jpegRequest(options)));
      return { kind: 'jpeg', data: frame.data, width: frame.width, height: frame.height, blurred };
    }
    return toCaptured(
      this.grab(() => (this.area === 'all' ? session.captureComposite(this.channels) : session.capturePrimary(this.channels))),
    );
  }

  /** The capture with private windows painted out inside the addon (X11 only), and how many there were. */
  private async captureRedacted(options: CaptureOptions, decide: PrivateWindowDecision): Promise<CapturedImage> {
    if (!this.redactsWindows || this.core.platform !== 'x11') {
      // An addon built before redaction (or the Windows core) would ignore the decision and capture every window as it is.
      throw new NativeX11Error('ERR_INVALID_ARG', 'screen capture failed: this native core cannot paint private windows out');
    }
    const session = this.core.session;
    if (this.jpeg && session.captureJpeg) {
      const captureJpeg = session.captureJpeg.bind(session);
      const frame = await this.grabAsync(() => captureJpeg(this.area, jpegRequest(options), decide));
      return { kind: 'jpeg', data: frame.data, width: frame.width, height: frame.height, blurred: options.blur === true, redactedWindows: frame.redactedWindows ?? 0 };
    }
    const frame = this.grab(() => (this.area === 'all' ? session.captureComposite(this.channels, decide) : session.capturePrimary(this.channels, decide)));
    return { ...toCaptured(frame), redactedWindows: frame.redactedWindows ?? 0 };
  }

  async captureEach(): Promise<RawFrame[]> {
    return this.grab(() => this.core.session.captureMonitors(this.channels));
  }

  state(): SensorState {
    return this.current;
  }

  private grab<T extends RawFrame | RawFrame[]>(body: () => T): T {
    try {
      return this.noteShm(body());
    } catch (error) {
      throw this.failed(error);
    }
  }

  /** The grab itself throws synchronously inside captureJpeg(); encoding failures reject later. */
  private async grabAsync(body: () => Promise<JpegFrame>): Promise<JpegFrame> {
    try {
      return this.noteShm(await body());
    } catch (error) {
      throw this.failed(error);
    }
  }

  private noteShm<T extends RawFrame | RawFrame[] | JpegFrame>(result: T): T {
    if (this.current.status === 'ok' && this.current.detail?.startsWith('MIT-SHM') && !usedShm(result)) {
      this.current = { status: 'ok', backend: this.backend, detail: `XGetImage on ${this.core.display} (no MIT-SHM)` };
    }
    return result;
  }

  private failed(error: unknown): NativeX11Error {
    const failure = toNativeX11Error(error);
    if (failure.code === 'ERR_CONNECTION_LOST' || failure.code === 'ERR_CLOSED') {
      this.current = { status: 'unavailable', backend: this.backend, reason: failure.message };
    }
    return new NativeX11Error(failure.code, `screen capture failed: ${failure.message}`, { cause: error });
  }
}

function jpegRequest(options: CaptureOptions): { maxWidth: number; quality: number; blurSigma: number } {
  return { maxWidth: options.maxWidth ?? DEFAULT_MAX_WIDTH, quality: options.quality ?? DEFAULT_QUALITY, blurSigma: options.blur === true ? BLUR_SIGMA : 0 };
}

/**
 * The addon's per-window question, answered by the private-window rules. The application's names (WM_CLASS, then
 * the executable's, read from /proc) are looked up only when a rule asks for them.
 */
export function privateWindowDecision(isPrivate: (window: WindowIdentity) => boolean): PrivateWindowDecision {
  return (windows: readonly StackedWindow[]) =>
    windows.map((w) => {
      let apps: readonly string[] | null = null;
      return isPrivate({
        title: w.title,
        get apps() {
          apps ??= x11AppNames(w);
          return apps;
        },
      });
    });
}

function usedShm(result: RawFrame | RawFrame[] | JpegFrame): boolean {
  return Array.isArray(result) ? result.every((f) => f.shm) : result.shm;
}

function toCaptured(frame: RawFrame): CapturedImage {
  return { kind: 'raw', data: frame.data, width: frame.width, height: frame.height, channels: frame.channels };
}
