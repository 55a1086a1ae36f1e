import { BLUR_SIGMA, DEFAULT_MAX_WIDTH, DEFAULT_QUALITY } from '../../capture/encode.js';
import type { JpegFrame, RawFrame } from '../../native/binding.js';
import { NATIVE_BACKENDS, type NativeCore } from '../../native/core.js';
import { NativeX11Error, toNativeX11Error } from '../../native/errors.js';
import type { CaptureOptions, CapturedImage, ScreenCapturer, SensorState } from '../types.js';

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

  constructor(
    private readonly core: NativeCore,
    options: NativeCaptureOptions = {},
  ) {
    this.channels = options.channels ?? 3;
    this.area = options.area ?? 'all';
    this.jpeg = options.output === 'jpeg' && typeof core.session.captureJpeg === 'function';
    this.backend = NATIVE_BACKENDS[core.platform].capture;
    const detail =
      core.platform === 'win32'
        ? `BitBlt of the virtual screen${this.jpeg ? ', native JPEG encoder (WIC)' : ''}`
        : `MIT-SHM on ${core.display}${this.jpeg ? ', native JPEG encoder' : ''}`;
    this.current = { status: 'ok', backend: this.backend, detail };
  }

  async capture(options: CaptureOptions = {}): Promise<CapturedImage> {
    const session = this.core.session;
    if (this.jpeg && session.captureJpeg) {
      const blurred = options.blur === true;
      const request = {
        maxWidth: options.maxWidth ?? DEFAULT_MAX_WIDTH,
        quality: options.quality ?? DEFAULT_QUALITY,
        blurSigma: blurred ? BLUR_SIGMA : 0,
      };
      const captureJpeg = session.captureJpeg.bind(session);
      const frame = await this.grabAsync(() => captureJpeg(this.area, request));
      return { kind: 'jpeg', data: frame.data, width: frame.width, height: frame.height, blurred };
    }
    return toCaptured(
      this.grab(() => (this.area === 'all' ? session.captureComposite(this.channels) : session.capturePrimary(this.channels))),
    );
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

function usedShm(result: RawFrame | RawFrame[] | JpegFrame): boolean {
  return Array.isArray(result) ? result.every((f) => f.shm) : result.shm;
}

function toCaptured(frame: RawFrame): CapturedImage {
  return { kind: 'raw', data: frame.data, width: frame.width, height: frame.height, channels: frame.channels };
}
