import { allFlat, composeScreens, layoutScreens, thumbnailSizeFor } from '../../capture/compose-screens.js';
import type { SensorEnvironment } from '../environment.js';
import { SensorError } from '../errors.js';
import { sensorLogger, type Logger } from '../logger.js';
import { withTimeout } from '../timeout.js';
import type { CapturedImage, ScreenCapturer, SensorState } from '../types.js';
import { PortalGrant, waylandSession } from './portal-grant.js';
import type { ScreenAccess, ScreenFrame, ScreenSourcesPort } from './screen-sources.js';

export const DESKTOP_CAPTURER_BACKEND = 'electron-desktop-capturer';

export interface DesktopScreenCapturerOptions {
  readonly sources: ScreenSourcesPort;
  readonly env: SensorEnvironment;
  readonly logger?: Logger;
  /** A grab that takes longer fails (default 30 s; on Wayland 5 min, for the person to answer the portal's dialog). */
  readonly timeoutMs?: number;
}

/**
 * Screenshots in the desktop app through Electron's desktopCapturer: every monitor's picture comes back as pixels in
 * memory (no helper process, no file), is checked for being worth keeping, and is composed into one R,G,B image of
 * the desk that the encoder downscales, blurs when asked and JPEG-encodes before it is encrypted and stored.
 *
 * Nothing is kept that is not evidence of work: a capture macOS did not allow (Screen Recording: the state says so
 * and no grab is made), a desktop on which macOS shows no other application's window (only the wallpaper would be
 * captured), and monitors that are one flat colour each fail with ERR_CAPTURE_EMPTY, and the tracker counts the
 * screenshot as failed.
 */
export class DesktopScreenCapturer implements ScreenCapturer {
  private readonly log: Logger;
  private readonly portal: PortalGrant | null;

  constructor(private readonly options: DesktopScreenCapturerOptions) {
    this.log = sensorLogger(options.logger, 'screen');
    this.portal = waylandSession(options.env) ? new PortalGrant(DESKTOP_CAPTURER_BACKEND) : null;
  }

  state(): SensorState {
    if (this.options.env.platform === 'darwin') {
      const access = this.screenAccess();
      if (access !== 'granted') return { status: 'unavailable', backend: DESKTOP_CAPTURER_BACKEND, reason: screenRecordingWords(access) };
    }
    if (this.portal) return this.portal.sensorState();
    return { status: 'ok', backend: DESKTOP_CAPTURER_BACKEND, detail: 'every monitor, in memory (Electron desktopCapturer)' };
  }

  async capture(): Promise<CapturedImage> {
    const state = this.state();
    if (state.status === 'unavailable') throw new SensorError('ERR_SENSOR_UNAVAILABLE', `screenshots are unavailable: ${state.reason}`);
    const { sources } = this.options;
    if (this.options.env.platform === 'darwin' && (await sources.otherAppWindows()) === 0) {
      throw new SensorError(
        'ERR_CAPTURE_EMPTY',
        'only the desktop wallpaper would be captured: macOS shows Worktrace no other application’s window (nothing is open, or Screen Recording is not in effect yet: quit and reopen Worktrace after allowing it)',
      );
    }
    const started = process.hrtime.bigint();
    const displays = sources.displays();
    const frames = (await this.grab(thumbnailSizeFor(displays))).filter((f) => f.width > 0 && f.height > 0);
    if (frames.length === 0) throw new SensorError('ERR_CAPTURE_EMPTY', 'the screen came back empty (no monitor picture)');
    if (allFlat(frames)) throw new SensorError('ERR_CAPTURE_EMPTY', 'every monitor came back as one flat colour: nothing on it to keep');
    const image = await composeScreens(layoutScreens(displays, frames));
    this.log.debug({ monitors: frames.length, width: image.width, height: image.height, ms: Number(process.hrtime.bigint() - started) / 1e6 }, 'screen captured');
    return image;
  }

  private async grab(size: { width: number; height: number }): Promise<ScreenFrame[]> {
    const ms = this.options.timeoutMs ?? (this.portal ? 300_000 : 30_000);
    const timedOut = () => new SensorError('ERR_CAPTURE_TIMEOUT', `the screenshot took longer than ${ms / 1000} s`);
    let frames: ScreenFrame[];
    try {
      frames = await withTimeout(this.options.sources.grab(size), ms, timedOut);
    } catch (error) {
      const reason = error instanceof Error ? error.message.split('\n')[0]!.slice(0, 300) : String(error);
      this.portal?.failed(reason);
      if (error instanceof SensorError) throw error;
      throw new SensorError('ERR_CAPTURE_FAILED', `desktopCapturer failed: ${reason}`, { cause: error });
    }
    this.portal?.grabbed(frames.length);
    if (this.portal && frames.length === 0) throw new SensorError('ERR_SENSOR_UNAVAILABLE', `screenshots are unavailable: ${this.portal.sensorState().status === 'unavailable' ? 'screen sharing was declined' : 'no screen'}`);
    return frames;
  }

  /** An OS call that throws counts as "cannot tell", which is not "granted". */
  private screenAccess(): ScreenAccess {
    try {
      return this.options.sources.screenAccess();
    } catch {
      return 'unknown';
    }
  }
}

function screenRecordingWords(access: Exclude<ScreenAccess, 'granted'>): string {
  const allow = 'allow Worktrace in System Settings → Privacy & Security → Screen Recording';
  switch (access) {
    case 'not-determined':
      return `macOS has not been asked for Screen Recording yet: ${allow}`;
    case 'denied':
      return `macOS Screen Recording is not allowed for Worktrace: ${allow}`;
    case 'restricted':
      return 'macOS Screen Recording is restricted on this Mac (a profile or parental controls): screenshots cannot be taken';
    case 'unknown':
      return `macOS did not say whether Screen Recording is allowed: ${allow}`;
  }
}
