import { SensorError } from '../errors.js';
import type { CapturedImage, ScreenCapturer, SensorState } from '../types.js';

export const NO_CAPTURE_BACKEND = 'none';

/**
 * What stands in where no backend can capture the screen in memory: it says why, and every capture is refused
 * before anything runs. There is no file-writing fallback any more. screenshot-desktop, the library that used to
 * fill this place, puts every screenshot in a file before the agent could blur or encrypt it (ImageMagick's `import`
 * writes the PNG to a temporary file before it copies it to stdout, and spills large screens' pixels to disk;
 * macOS `screencapture` and the Windows helper write files too): a plaintext image on disk, which the design forbids.
 */
export class RefusedScreenCapturer implements ScreenCapturer {
  private readonly reason: string;

  constructor(platform: NodeJS.Platform) {
    this.reason = refusalReason(platform);
  }

  state(): SensorState {
    return { status: 'unavailable', backend: NO_CAPTURE_BACKEND, reason: this.reason };
  }

  capture(): Promise<CapturedImage> {
    return Promise.reject(new SensorError('ERR_SENSOR_UNAVAILABLE', `screenshots are refused: ${this.reason}`));
  }
}

/** One line a person can act on: what is missing here, and that no plaintext file is written instead. */
export function refusalReason(platform: NodeJS.Platform): string {
  switch (platform) {
    case 'darwin':
      return 'the command-line agent has no in-memory screen capture on macOS (screencapture writes a file); the desktop app takes screenshots in memory';
    case 'win32':
      return 'no in-memory screen capture without the native Windows core; screenshot-desktop is not used (its helper writes a file)';
    case 'linux':
      return 'no in-memory screen capture without the native X11 core; screenshot-desktop is not used (ImageMagick writes a temporary file)';
    default:
      return `no in-memory screen capture on ${platform}`;
  }
}
