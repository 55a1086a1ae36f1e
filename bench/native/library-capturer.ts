import { createRequire } from 'node:module';
import { missingTool, x11Problem, xwaylandNote, type SensorEnvironment } from '../../src/main/sensors/environment.js';
import { SensorError } from '../../src/main/sensors/errors.js';
import { sensorLogger, type Logger } from '../../src/main/sensors/logger.js';
import { withTimeout } from '../../src/main/sensors/timeout.js';
import type { CapturedImage, ScreenCapturer, SensorState } from '../../src/main/sensors/types.js';

export const SCREENSHOT_DESKTOP_BACKEND = 'screenshot-desktop';

/** The part of screenshot-desktop's (untyped, CommonJS) API this capturer uses. */
interface ScreenshotDesktop {
  (options?: { screen?: string | number; format?: 'png' }): Promise<Buffer>;
  listDisplays(): Promise<{ id: string | number; name?: string; primary?: boolean }[]>;
}
const screenshot = createRequire(import.meta.url)('screenshot-desktop') as ScreenshotDesktop;

/** On Linux screenshot-desktop runs `xrandr` and ImageMagick's `import`. */
const LINUX_TOOLS = [
  { command: 'xrandr', pkg: 'x11-xserver-utils' },
  { command: 'import', pkg: 'imagemagick' },
] as const;

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export interface ScreenshotDesktopCapturerOptions {
  readonly env: SensorEnvironment;
  readonly logger?: Logger;
  /** A capture that takes longer than this fails (default 30 s), so a stuck `import` never stalls tracking. */
  readonly timeoutMs?: number;
}

/**
 * The plain library path the benchmark compares the native capture with: screenshot-desktop, one PNG of the primary
 * monitor. The agent does not use it any more: on Linux ImageMagick's `import` writes the PNG to a temporary file
 * before it copies it to stdout (and spills large screens' pixels to disk), on macOS `screencapture` and on Windows
 * the library's helper write a file too, so a plaintext screenshot would touch the disk
 * (tests/integration/capture/no-temporary-file.test.ts shows it).
 *
 * On Linux the screens are listed first, here, with the error handled: screenshot-desktop's own
 * capture call lists them again without handling an xrandr failure (its promise would then never
 * settle), so a display that is gone must be caught before it is called.
 */
export class ScreenshotDesktopCapturer implements ScreenCapturer {
  private readonly log: Logger;
  private readonly current: SensorState;

  constructor(private readonly options: ScreenshotDesktopCapturerOptions) {
    this.log = sensorLogger(options.logger, 'screen');
    const env = options.env;
    const problem = x11Problem(env) ?? (env.platform === 'linux' ? missingTool(env, LINUX_TOOLS) : null);
    const detail = xwaylandNote(env) ?? 'primary monitor, PNG from the tool’s stdout';
    this.current = problem
      ? { status: 'unavailable', backend: SCREENSHOT_DESKTOP_BACKEND, reason: problem }
      : { status: 'ok', backend: SCREENSHOT_DESKTOP_BACKEND, detail };
  }

  state(): SensorState {
    return this.current;
  }

  private timedOut = (): SensorError => {
    const ms = this.options.timeoutMs ?? 30_000;
    return new SensorError('ERR_CAPTURE_TIMEOUT', `the screenshot took longer than ${ms / 1000} s`);
  };

  async capture(): Promise<CapturedImage> {
    if (this.current.status === 'unavailable') {
      throw new SensorError('ERR_SENSOR_UNAVAILABLE', `screenshots are unavailable: ${this.current.reason}`);
    }
    const started = process.hrtime.bigint();
    const screen = this.options.env.platform === 'linux' ? await this.primaryScreen() : undefined;
    let data: Buffer;
    try {
      data = await withTimeout(screenshot({ format: 'png', ...(screen === undefined ? {} : { screen }) }), this.options.timeoutMs ?? 30_000, this.timedOut);
    } catch (error) {
      if (error instanceof SensorError) throw error;
      throw new SensorError('ERR_CAPTURE_FAILED', `the screenshot tool failed: ${messageOf(error)}`, { cause: error });
    }
    if (!Buffer.isBuffer(data) || data.length < PNG_SIGNATURE.length || !data.subarray(0, 8).equals(PNG_SIGNATURE)) {
      throw new SensorError('ERR_CAPTURE_FAILED', 'the screenshot tool did not return a PNG image');
    }
    this.log.debug({ bytes: data.length, ms: Number(process.hrtime.bigint() - started) / 1e6 }, 'screen captured');
    return { kind: 'encoded', data };
  }

  private async primaryScreen(): Promise<string | number> {
    let screens: Awaited<ReturnType<ScreenshotDesktop['listDisplays']>>;
    try {
      screens = await withTimeout(screenshot.listDisplays(), this.options.timeoutMs ?? 30_000, this.timedOut);
    } catch (error) {
      throw new SensorError('ERR_CAPTURE_FAILED', `xrandr could not list the screens: ${messageOf(error)}`, { cause: error });
    }
    const screen = screens.find((s) => s.primary) ?? screens[0];
    if (!screen) throw new SensorError('ERR_CAPTURE_FAILED', 'xrandr reports no connected screen');
    return screen.id;
  }
}

function messageOf(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0]?.slice(0, 300) ?? '';
}
