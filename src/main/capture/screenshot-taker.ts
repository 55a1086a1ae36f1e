import { encryptScreenshot, type KeyStore } from '../crypto/index.js';
import { sensorLogger, type Logger } from '../sensors/logger.js';
import type { ScreenCapturer } from '../sensors/types.js';
import type { StoredScreenshot } from '../store/index.js';
import type { ScreenshotRequest, ScreenshotTaker } from '../tracking/ports.js';
import { encodeScreenshot } from './encode.js';

export interface CaptureScreenshotTakerDeps {
  readonly capturer: ScreenCapturer;
  /** The screenshot key (FileKeyStore headless, the OS keychain in the app). */
  readonly keys: KeyStore;
  /** Where encrypted screenshots go: the store's ScreenshotsRepository. */
  readonly screenshots: { insert(screenshot: StoredScreenshot): void };
  /** Client-generated ids (ULIDs): the id is also the cipher's associated data. */
  readonly newId: () => string;
  readonly logger?: Logger;
  readonly maxWidth?: number;
  readonly quality?: number;
}

/**
 * The capture pipeline behind the tracker's ScreenshotTaker port:
 * capture -> downscale/blur/JPEG (in memory) -> AES-256-GCM -> store. The plaintext image only
 * ever lives in this process's memory; the store receives the encrypted blob.
 *
 * Failures (no screen, a tool that failed, a store refusal) reject with the named error of the
 * part that failed; the tracker reports them as a failed screenshot and tracks on.
 */
export class CaptureScreenshotTaker implements ScreenshotTaker {
  private readonly log: Logger;

  constructor(private readonly deps: CaptureScreenshotTakerDeps) {
    this.log = sensorLogger(deps.logger, 'capture');
  }

  async take(request: ScreenshotRequest): Promise<string | null> {
    const blurred = request.mode === 'blurred';
    const size = {
      ...(this.deps.maxWidth === undefined ? {} : { maxWidth: this.deps.maxWidth }),
      ...(this.deps.quality === undefined ? {} : { quality: this.deps.quality }),
    };
    // A capturer that encodes itself (native) gets the whole request, so sharp is never loaded for it.
    const image = await this.deps.capturer.capture({ blur: blurred, ...size });
    const encoded = await encodeScreenshot(image, { blur: blurred, ...size });
    const key = await this.deps.keys.loadOrCreate();
    const id = this.deps.newId();
    this.deps.screenshots.insert({
      id,
      segmentId: request.segmentId,
      takenAt: request.takenAt,
      width: encoded.width,
      height: encoded.height,
      bytes: encoded.jpeg.length,
      blurred,
      policyVersion: request.policyVersion,
      data: encryptScreenshot(key, id, encoded.jpeg),
    });
    this.log.info({ screenshotId: id, segmentId: request.segmentId, width: encoded.width, height: encoded.height, blurred }, 'screenshot stored');
    return id;
  }
}
