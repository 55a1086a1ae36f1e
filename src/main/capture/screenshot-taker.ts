import type { ScreenshotSkipReason } from '../../shared/protocol/index.js';
import { encryptScreenshot, type KeyStore } from '../crypto/index.js';
import { NO_PRIVATE_WINDOWS, type PrivacyRules, type PrivacyState } from '../privacy/rules.js';
import { isPrivateSample } from '../privacy/window-filter.js';
import { sensorLogger, type Logger } from '../sensors/logger.js';
import type { ActiveWindowSensor, CaptureOptions, ScreenCapturer } from '../sensors/types.js';
import type { StoredScreenshot } from '../store/index.js';
import type { ScreenshotRequest, ScreenshotSkipped, ScreenshotTaker } from '../tracking/ports.js';
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
  /** The private-window rules in force (the freelancer's and the contract's). Default: none. */
  readonly privacy?: PrivacyRules;
  /**
   * The focused window (unfiltered), for a capturer that cannot paint windows out: while a private window is
   * focused (or the focus is unknown) there is no screenshot. Without it such a capturer takes none while any
   * private-window rule exists.
   */
  readonly activeWindow?: ActiveWindowSensor;
  /** Where a skip for privacy is recorded (the store's SegmentsRepository), so the diary can say so. */
  readonly skips?: { markScreenshotSkipped(segmentId: string, reason: ScreenshotSkipReason): void };
}

/**
 * The capture pipeline behind the tracker's ScreenshotTaker port:
 * privacy check -> capture (private windows painted out) -> downscale/blur/JPEG (in memory) -> AES-256-GCM -> store.
 * The plaintext image only ever lives in this process's memory; the store receives the encrypted blob.
 *
 * Private windows: a capturer that knows every window's frame (native X11) paints the private ones out before the
 * pixels leave it. One that does not (Electron's desktopCapturer, the Windows core) cannot: the screenshot is skipped
 * while a private window is focused before or after the capture (a private window in the background is not seen
 * there: `worktrace status` and the app's settings say redaction is partial on that backend, see redactionReport).
 * An unreadable list skips the screenshot (fail closed).
 *
 * Failures (no screen, a tool that failed, a store refusal) reject with the named error of the part that failed;
 * the tracker reports them as a failed screenshot and tracks on.
 */
export class CaptureScreenshotTaker implements ScreenshotTaker {
  private readonly log: Logger;

  constructor(private readonly deps: CaptureScreenshotTakerDeps) {
    this.log = sensorLogger(deps.logger, 'capture');
  }

  async take(request: ScreenshotRequest): Promise<string | null | ScreenshotSkipped> {
    const blurred = request.mode === 'blurred';
    const size = {
      ...(this.deps.maxWidth === undefined ? {} : { maxWidth: this.deps.maxWidth }),
      ...(this.deps.quality === undefined ? {} : { quality: this.deps.quality }),
    };
    const privacy = (this.deps.privacy ?? NO_PRIVATE_WINDOWS).current();
    if (!privacy.readable) return this.skip(request, 'private-list-unreadable');
    const paintOut = this.paintOut(privacy);
    if (paintOut === null && (await this.privateWindowFocused(privacy))) return this.skip(request, 'private-window');
    // A capturer that encodes itself (native) gets the whole request, so sharp is never loaded for it.
    const image = await this.deps.capturer.capture({ blur: blurred, ...size, ...paintOut });
    if (paintOut === null && (await this.privateWindowFocused(privacy))) return this.skip(request, 'private-window'); // focused meanwhile: the image goes unseen
    const encoded = await encodeScreenshot(image, { blur: blurred, ...size });
    const key = await this.deps.keys.loadOrCreate();
    const id = this.deps.newId();
    const redactedWindows = image.redactedWindows ?? 0;
    this.deps.screenshots.insert({
      id,
      segmentId: request.segmentId,
      takenAt: request.takenAt,
      width: encoded.width,
      height: encoded.height,
      bytes: encoded.jpeg.length,
      blurred,
      policyVersion: request.policyVersion,
      redactedWindows,
      data: encryptScreenshot(key, id, encoded.jpeg),
    });
    this.log.info({ screenshotId: id, segmentId: request.segmentId, width: encoded.width, height: encoded.height, blurred, redactedWindows }, 'screenshot stored');
    return id;
  }

  /** What the capturer is asked so that private windows are painted out; null when it cannot be asked (and there are rules). */
  private paintOut(privacy: Extract<PrivacyState, { readable: true }>): Pick<CaptureOptions, 'isPrivate'> | null {
    const { matcher } = privacy;
    if (matcher.size === 0) return {};
    if (this.deps.capturer.redactsWindows) return { isPrivate: (window) => matcher.matches(window) };
    return null;
  }

  /** On a capturer that cannot paint windows out: a private (or unknown) focused window means no screenshot. */
  private async privateWindowFocused(privacy: PrivacyState): Promise<boolean> {
    const sample = await this.deps.activeWindow?.sample().catch(() => null);
    return !sample || isPrivateSample(sample, privacy);
  }

  private skip(request: ScreenshotRequest, reason: ScreenshotSkipReason): ScreenshotSkipped {
    this.deps.skips?.markScreenshotSkipped(request.segmentId, reason);
    this.log.info({ segmentId: request.segmentId, reason }, 'screenshot skipped for privacy');
    return { skipped: reason };
  }
}
