import type { DesktopCapturer, Screen, SystemPreferences } from 'electron';
import type { ScreenAccess, ScreenFrame, ScreenSourcesPort } from '../sensors/index.js';

/** The parts of Electron the screen capture uses. */
export interface CaptureElectron {
  readonly desktopCapturer: Pick<DesktopCapturer, 'getSources'>;
  readonly screen: Pick<Screen, 'getAllDisplays'>;
  readonly systemPreferences: Pick<SystemPreferences, 'getMediaAccessStatus'>;
}

const SCREEN_ACCESS: ReadonlySet<string> = new Set<ScreenAccess>(['not-determined', 'granted', 'denied', 'restricted', 'unknown']);
/** A window source of another process: `window:<handle>:0` (`:1` is this app's own). */
const OTHER_PROCESS_WINDOW = /^window:[^:]+:0$/;

/**
 * The screen sources port over Electron (main process). Each screen source's thumbnail is a NativeImage whose single
 * 1× representation holds the picture at the asked size; toBitmap() copies its B,G,R,A pixels out, and that copy is
 * the only one this side makes. Nothing is written anywhere.
 */
export function electronScreenSources(electron: CaptureElectron, platform: NodeJS.Platform): ScreenSourcesPort {
  return {
    displays: () =>
      electron.screen.getAllDisplays().map((d) => ({
        id: String(d.id),
        bounds: { x: d.bounds.x, y: d.bounds.y, width: d.bounds.width, height: d.bounds.height },
        scaleFactor: d.scaleFactor,
      })),
    grab: async (size) => {
      const sources = await electron.desktopCapturer.getSources({ types: ['screen'], thumbnailSize: { width: size.width, height: size.height } });
      return sources.map((source): ScreenFrame => {
        const image = source.thumbnail;
        if (image.isEmpty()) return { displayId: source.display_id, width: 0, height: 0, bgra: Buffer.alloc(0) };
        const { width, height } = image.getSize();
        return { displayId: source.display_id, width, height, bgra: image.toBitmap() };
      });
    },
    otherAppWindows: async () => {
      // Thumbnails of 0×0 are not captured at all: this only lists the windows the OS lets the app see.
      const windows = await electron.desktopCapturer.getSources({ types: ['window'], thumbnailSize: { width: 0, height: 0 } });
      return windows.filter((w) => OTHER_PROCESS_WINDOW.test(w.id) && w.name.trim() !== '').length;
    },
    screenAccess: () => {
      if (platform !== 'darwin') return 'granted';
      const status = electron.systemPreferences.getMediaAccessStatus('screen');
      return SCREEN_ACCESS.has(status) ? (status as ScreenAccess) : 'unknown';
    },
  };
}
