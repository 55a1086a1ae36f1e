/**
 * What a screen capturer in the desktop app needs from Electron (desktopCapturer, screen, systemPreferences), as a
 * port with no Electron type in it: the Electron shell implements it in src/main/electron/desktop-capturer.ts, and the
 * tests feed known pixel buffers through the fake electron module into the same adapter.
 */

/** A rectangle in device-independent pixels (DIP), Electron's screen coordinates. */
export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** One monitor as Electron's screen module describes it: where it is (DIP) and how many pixels a DIP holds. */
export interface DisplayGeometry {
  readonly id: string;
  readonly bounds: Rect;
  readonly scaleFactor: number;
}

/**
 * One monitor's picture as desktopCapturer hands it: rows of B,G,R,A bytes (Chromium's N32 order on every desktop OS,
 * the order nativeImage.toBitmap() returns), tightly packed. `displayId` is the source's display_id: the matching
 * DisplayGeometry's id, or '' where the platform does not say (a Wayland portal stream).
 */
export interface ScreenFrame {
  readonly displayId: string;
  readonly width: number;
  readonly height: number;
  readonly bgra: Buffer;
}

/** systemPreferences.getMediaAccessStatus('screen') on macOS; 'granted' where there is nothing to grant. */
export type ScreenAccess = 'not-determined' | 'granted' | 'denied' | 'restricted' | 'unknown';

export interface ScreenSourcesPort {
  /** The monitors now (screen.getAllDisplays()). */
  displays(): DisplayGeometry[];
  /**
   * Every screen source with a picture fitted inside `size` (pixels; desktopCapturer's thumbnailSize). Resolves to
   * [] when the person refused (a Wayland portal dialog cancelled); rejects when capture is not possible at all.
   */
  grab(size: { readonly width: number; readonly height: number }): Promise<ScreenFrame[]>;
  /**
   * How many windows of other applications this app is shown, with a title (desktopCapturer's window sources of
   * other processes). macOS hides them all without Screen Recording, and then a screen grab holds only the wallpaper.
   */
  otherAppWindows(): Promise<number>;
  /** macOS Screen Recording; 'granted' on systems that ask for nothing. Asked again at each call. */
  screenAccess(): ScreenAccess;
}
