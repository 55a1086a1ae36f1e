/**
 * The shapes of the native X11 addon (native/src), as JavaScript sees them. Everything here is
 * synchronous and cheap except the captures (a few milliseconds each, on the calling thread) and the
 * JPEG encoder, which returns a promise and works on libuv's thread pool.
 * Every method throws an Error with a `code` (see NativeX11ErrorCode) instead of aborting.
 */

export interface MonitorGeometry {
  /** XRandR monitor name ("DP-1", a `--setmonitor` name), or "screen" when RandR cannot say. */
  readonly name: string;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly primary: boolean;
}

/**
 * Raw pixels of one rectangle of the screen, tightly packed rows, byte order R,G,B,A (channels 4,
 * alpha always 255) or R,G,B (channels 3): the addon swizzles X's B,G,R,X while copying out of the
 * shared-memory segment, which is the only copy.
 */
export interface RawFrame extends MonitorGeometry {
  readonly data: Buffer;
  readonly channels: 3 | 4;
  /** Whether MIT-SHM was used (false: XGetImage fallback, e.g. a remote display). */
  readonly shm: boolean;
  /** With a private-window decision: how many private windows had pixels in the frame (painted solid). */
  readonly redactedWindows?: number;
}

/**
 * A mapped top-level window as a capture saw it, read under the same server grab as the pixels: the frame on
 * the root window (decorations included) and who it is. Handed to a capture's private-window decision.
 */
export interface StackedWindow {
  /** The client window (the one with WM_CLASS). */
  readonly id: number;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  /** UTF-8: _NET_WM_NAME, else WM_NAME. */
  readonly title: string;
  readonly instanceName: string;
  readonly className: string;
  readonly pid?: number;
}

/**
 * Says which windows are private: one boolean per window, same order (bottom to top). Called on the JS thread
 * after the grab; the pixels are painted before the capture returns or encodes them. Throwing (or answering
 * anything else) fails the capture: nothing is captured unredacted.
 */
export type PrivateWindowDecision = (windows: readonly StackedWindow[]) => readonly boolean[];

/** How the native encoder turns pixels into a screenshot. */
export interface JpegEncodeOptions {
  /** Largest output width; narrower images are never enlarged. Default 1280. */
  readonly maxWidth?: number;
  /** JPEG quality 1..100. Default 70. */
  readonly quality?: number;
  /** Gaussian sigma at the output size (three box-blur passes); 0 or absent: no blur. */
  readonly blurSigma?: number;
}

/** A JPEG made by the native encoder: area-average downscale, optional blur, libjpeg, no metadata. */
export interface JpegImage {
  /** JPEG bytes (starts FF D8 FF). */
  readonly data: Buffer;
  readonly width: number;
  readonly height: number;
}

/** A screen area captured and encoded: geometry of the area on the screen plus the JPEG of it. */
export interface JpegFrame extends MonitorGeometry, JpegImage {
  /** The captured area's size before downscaling (width and height are the JPEG's). */
  readonly sourceWidth: number;
  readonly sourceHeight: number;
  readonly shm: boolean;
  /** With a private-window decision: how many private windows had pixels in the area (painted before encoding). */
  readonly redactedWindows?: number;
}

export interface NativeWindowInfo {
  /** X window id of the focused client window; on Windows the HWND's value. */
  readonly id: number;
  /** UTF-8 title. */
  readonly title: string;
  readonly titleSource: '_NET_WM_NAME' | 'WM_NAME' | 'none' | 'GetWindowTextW';
  /** WM_CLASS instance and class ("xterm", "XTerm"); empty when the window sets none. Windows: "" and the window class. */
  readonly instanceName: string;
  readonly className: string;
  /** From _NET_WM_PID (absent when the window does not say); on Windows from GetWindowThreadProcessId. */
  readonly pid?: number;
  /** Windows only: the owning process's image ("C:\\Windows\\System32\\notepad.exe"); "" when it would not say. */
  readonly processPath?: string;
}

export interface X11SessionInfo {
  readonly display: string;
  readonly width: number;
  readonly height: number;
  readonly randr15: boolean;
  readonly screenSaver: boolean;
  readonly shm: boolean;
}

/** One X connection for work done on the JS thread. */
export interface X11Session {
  info(): X11SessionInfo;
  monitors(): MonitorGeometry[];
  /** One image per active monitor (XRandR geometry). */
  captureMonitors(channels?: 3 | 4): RawFrame[];
  /**
   * One image of the bounding box of all monitors (name "composite"): what `import -window root` shows. With
   * `isPrivate` (abiVersion 3), the windows it names are painted out before the pixels are returned.
   */
  captureComposite(channels?: 3 | 4, isPrivate?: PrivateWindowDecision): RawFrame;
  /** The primary monitor only (the first one when none is marked primary); `isPrivate` as for captureComposite. */
  capturePrimary(channels?: 3 | 4, isPrivate?: PrivateWindowDecision): RawFrame;
  /**
   * Grabs the area (composite of all monitors, or the primary one) on this thread, paints out the windows
   * `isPrivate` names (abiVersion 3), then downscales, blurs and encodes it on libuv's thread pool: the JS event
   * loop keeps running meanwhile. Absent in builds older than abiVersion 2.
   */
  captureJpeg?(area: 'all' | 'primary', options?: JpegEncodeOptions, isPrivate?: PrivateWindowDecision): Promise<JpegFrame>;
  /** null when nothing is focused or the window closed while being read. */
  activeWindow(): NativeWindowInfo | null;
  /** Milliseconds since the last input (XScreenSaver). Throws ERR_NO_EXTENSION without MIT-SCREEN-SAVER. */
  idleMs(): number;
  close(): void;
}

export interface NativeInputCounts {
  readonly keys: number;
  /** Buttons 1-3 and 8+. */
  readonly clicks: number;
  /** Buttons 4-7: one per wheel notch, vertical and horizontal. */
  readonly wheel: number;
  readonly moves: number;
}

export type RecorderPhase = 'idle' | 'starting' | 'recording' | 'stopping' | 'stopped' | 'failed';

export interface RecorderState {
  readonly phase: RecorderPhase;
  /** When failed: ERR_NO_DISPLAY, ERR_NO_EXTENSION (no RECORD), ERR_RECORD, ERR_CONNECTION_LOST. */
  readonly code?: string;
  readonly message?: string;
}

/**
 * XRecord on its own connections and thread; counts only, never calls into JS. No method waits on the
 * X server: every X call of a session (open, enable, read, disable, close) runs on the recording thread,
 * so a stuck server can never block the JS thread. start() returns at once; state() says when the
 * session records, or why it failed.
 */
export interface InputRecorder {
  /** Launches a session. Throws ERR_ALREADY_STARTED while one is starting or recording, ERR_RECORD if no thread. */
  start(): void;
  /** Counts since the previous drain, then zero. */
  drain(): NativeInputCounts;
  /** Asks the thread to disable the context and close its connections; returns at once. Idempotent. */
  stop(): void;
  state(): RecorderState;
  /** starting or recording. */
  running(): boolean;
  /** Why the session failed (no display, no RECORD, server gone), or null. */
  failure(): string | null;
}

export interface X11Addon {
  readonly X11Session: new (display?: string) => X11Session;
  readonly InputRecorder: new (display?: string) => InputRecorder;
  /**
   * Encodes packed R,G,B(,A) pixels on libuv's thread pool. JS must not write to `pixels` until the
   * promise settles. Absent in builds older than abiVersion 2.
   */
  readonly encodeJpeg?: (pixels: Buffer, width: number, height: number, channels: 3 | 4, options?: JpegEncodeOptions) => Promise<JpegImage>;
  /** 2 since the JPEG encoder (encodeJpeg, captureJpeg); 3 since captures paint private windows out. */
  readonly abiVersion: number;
}

/** The methods every platform's session has: what the sensors in src/main/sensors/native use. */
export type NativeSession = Pick<
  X11Session,
  'monitors' | 'captureMonitors' | 'captureComposite' | 'capturePrimary' | 'activeWindow' | 'idleMs' | 'close'
> & {
  captureJpeg?(area: 'all' | 'primary', options?: JpegEncodeOptions): Promise<JpegFrame>;
};

export interface Win32SessionInfo {
  /** The virtual screen: the bounding box of every monitor, in physical pixels when dpiAware. */
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly monitors: number;
  /** Whether the calls run per-monitor DPI aware (Windows 10 1607+); otherwise a scaled desktop is captured scaled. */
  readonly dpiAware: boolean;
}

/**
 * The Windows session (native/src/win): GDI capture of the virtual screen, the foreground window
 * (GetForegroundWindow, GetWindowTextW, QueryFullProcessImageNameW), idle from GetLastInputInfo. Frames
 * have `shm: false`. Nothing is held between calls; close() only refuses further calls (ERR_CLOSED).
 */
export interface Win32Session extends NativeSession {
  info(): Win32SessionInfo;
  captureJpeg(area: 'all' | 'primary', options?: JpegEncodeOptions): Promise<JpegFrame>;
}

export interface Win32Addon {
  readonly platform: 'win32';
  readonly Win32Session: new () => Win32Session;
  /** Low-level keyboard and mouse hooks on the addon's own thread (ERR_HOOK when Windows refuses them). */
  readonly InputRecorder: new (display?: string) => InputRecorder;
  readonly encodeJpeg: (pixels: Buffer, width: number, height: number, channels: 3 | 4, options?: JpegEncodeOptions) => Promise<JpegImage>;
  readonly abiVersion: number;
}
