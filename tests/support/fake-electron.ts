import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { constants } from 'node:os';
import sharp from 'sharp';

/**
 * A stand-in for the `electron` module (its binary cannot be downloaded here), for vi.mock('electron'). It records
 * what the main process asks of Electron (windows, IPC handlers, tray menus, login items) and lets a test play
 * Electron's part: emit app and powerMonitor events, invoke an IPC handler as a given sender, click a menu item.
 *
 *   vi.mock('electron', async () => (await import('../../../support/fake-electron.js')).fakeElectron.module);
 */

type Handler = (event: unknown, ...args: unknown[]) => unknown;

export class FakeWebContents extends EventEmitter {
  static nextId = 1;
  readonly id = FakeWebContents.nextId++;
  readonly sent: { channel: string; payload: unknown }[] = [];
  devToolsClosed = 0;
  windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null;
  destroyed = false;
  send(channel: string, payload: unknown): void {
    this.sent.push({ channel, payload });
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.windowOpenHandler = handler;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  closeDevTools(): void {
    this.devToolsClosed += 1;
  }
}

export class FakeBrowserWindow extends EventEmitter {
  static readonly all: FakeBrowserWindow[] = [];
  readonly webContents = new FakeWebContents();
  readonly loaded: string[] = [];
  visible = false;
  focused = false;
  destroyed = false;
  constructor(readonly options: { webPreferences?: Record<string, unknown> } & Record<string, unknown>) {
    super();
    FakeBrowserWindow.all.push(this);
    fakeElectron.app.emit('web-contents-created', {}, this.webContents);
  }
  async loadFile(file: string): Promise<void> {
    this.loaded.push(file);
    this.emit('ready-to-show');
  }
  show(): void {
    this.visible = true;
  }
  focus(): void {
    this.focused = true;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  /** The person closes the window. */
  close(): void {
    this.destroyed = true;
    this.webContents.destroyed = true;
    this.emit('closed');
  }
}

export interface FakeMenuItem {
  id?: string;
  label?: string;
  type?: string;
  role?: string;
  submenu?: FakeMenuItem[];
  checked?: boolean;
  enabled?: boolean;
  click?: (item: { checked: boolean }) => void;
}

export class FakeTray extends EventEmitter {
  static readonly all: FakeTray[] = [];
  image: unknown;
  tooltip = '';
  menu: FakeMenuItem[] = [];
  destroyed = false;
  constructor(image: unknown) {
    super();
    this.image = image;
    FakeTray.all.push(this);
  }
  setImage(image: unknown): void {
    this.image = image;
  }
  setToolTip(text: string): void {
    this.tooltip = text;
  }
  setContextMenu(menu: { items: FakeMenuItem[] }): void {
    this.menu = menu.items;
  }
  destroy(): void {
    this.destroyed = true;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  item(id: string): FakeMenuItem {
    const found = this.menu.find((i) => i.id === id);
    if (!found) throw new Error(`no tray menu item "${id}" in ${this.menu.map((i) => i.id).join(', ')}`);
    return found;
  }
}

class FakeApp extends EventEmitter {
  singleInstanceLock = true;
  /** Electron's app.isPackaged: true when running from an installed package (a test sets it to see that build). */
  isPackaged = false;
  quitCalls = 0;
  /** The code of app.exit(code), which ends Electron at once (the fake only records it). */
  exitCode: number | null = null;
  userData = '/nonexistent';
  /** macOS: the app was started by its login item. */
  wasOpenedAtLogin = false;
  loginItem: { openAtLogin: boolean; args: string[] } = { openAtLogin: false, args: [] };
  appUserModelId: string | null = null;
  getAppPath(): string {
    return '/app';
  }
  setAppUserModelId(id: string): void {
    this.appUserModelId = id;
  }
  requestSingleInstanceLock(): boolean {
    return this.singleInstanceLock;
  }
  quit(): void {
    this.quitCalls += 1;
  }
  exit(code = 0): void {
    this.exitCode = code;
  }
  whenReady(): Promise<void> {
    return Promise.resolve();
  }
  getPath(name: string): string {
    if (name !== 'userData') throw new Error(`fake app: no path ${name}`);
    return this.userData;
  }
  /** As on Windows: an item set with arguments reads as open at login only when asked with the same arguments. */
  getLoginItemSettings(options?: { args?: string[] }): { openAtLogin: boolean; wasOpenedAtLogin: boolean } {
    const sameArgs = JSON.stringify(options?.args ?? []) === JSON.stringify(this.loginItem.args);
    return { openAtLogin: this.loginItem.openAtLogin && sameArgs, wasOpenedAtLogin: this.wasOpenedAtLogin };
  }
  setLoginItemSettings(settings: { openAtLogin: boolean; args?: string[] }): void {
    this.loginItem = { openAtLogin: settings.openAtLogin, args: settings.args ?? [] };
  }
}

class FakeIpcMain {
  readonly handlers = new Map<string, Handler>();
  handle(channel: string, handler: Handler): void {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, handler);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  /** Plays Electron: calls the handler as `ipcRenderer.invoke(channel, request)` from `sender` would. */
  async invoke(channel: string, event: unknown, ...args: unknown[]): Promise<unknown> {
    const handler = this.handlers.get(channel);
    if (!handler) throw new Error(`No handler registered for '${channel}'`);
    return handler(event, ...args);
  }
}

class FakeSession {
  headersListener: ((details: { responseHeaders?: Record<string, string[]> }, callback: (r: { responseHeaders: Record<string, string[]> }) => void) => void) | null = null;
  permissionHandler: ((contents: unknown, permission: string, callback: (granted: boolean) => void) => void) | null = null;
  permissionCheck: ((...args: unknown[]) => boolean) | null = null;
  readonly webRequest = {
    onHeadersReceived: (listener: NonNullable<FakeSession['headersListener']>) => {
      this.headersListener = listener;
    },
  };
  setPermissionRequestHandler(handler: NonNullable<FakeSession['permissionHandler']>): void {
    this.permissionHandler = handler;
  }
  setPermissionCheckHandler(handler: (...args: unknown[]) => boolean): void {
    this.permissionCheck = handler;
  }
}

/** Reversible "encryption" with a marker, so a test can tell sealed bytes from plain ones. */
class FakeSafeStorage {
  available = true;
  backend = 'gnome_libsecret';
  isEncryptionAvailable(): boolean {
    return this.available;
  }
  getSelectedStorageBackend(): string {
    return this.backend;
  }
  encryptString(text: string): Buffer {
    const bytes = Buffer.from(text, 'utf8');
    return Buffer.concat([Buffer.from('SEALED:'), bytes.map((b) => b ^ 0x5a)]);
  }
  decryptString(sealed: Buffer): string {
    if (!sealed.subarray(0, 7).equals(Buffer.from('SEALED:'))) throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
    return Buffer.from(sealed.subarray(7).map((b) => b ^ 0x5a)).toString('utf8');
  }
}

/** macOS permission answers a test sets: Screen Recording ('granted', 'denied', ...) and Accessibility. */
class FakeSystemPreferences {
  screen = 'granted';
  accessibilityTrusted = true;
  readonly accessibilityPrompts: boolean[] = [];
  getMediaAccessStatus(mediaType: string): string {
    if (mediaType !== 'screen') throw new Error(`fake systemPreferences: no media type ${mediaType}`);
    return this.screen;
  }
  isTrustedAccessibilityClient(prompt: boolean): boolean {
    this.accessibilityPrompts.push(prompt);
    return this.accessibilityTrusted;
  }
}

/** Records the error boxes the app shows (dialog.showErrorBox), instead of showing them. */
class FakeDialog {
  readonly errorBoxes: { title: string; content: string }[] = [];
  showErrorBox(title: string, content: string): void {
    this.errorBoxes.push({ title, content });
  }
}

/** The application menu the app set (Menu.setApplicationMenu), null when it removed it, undefined when untouched. */
class FakeMenu {
  static applicationMenu: { items: FakeMenuItem[] } | null | undefined = undefined;
  static buildFromTemplate(items: FakeMenuItem[]): { items: FakeMenuItem[] } {
    return { items };
  }
  static setApplicationMenu(menu: { items: FakeMenuItem[] } | null): void {
    FakeMenu.applicationMenu = menu;
  }
}

/** Records the URLs the app asks the OS to open; a test may make the next one fail. */
class FakeShell {
  readonly opened: string[] = [];
  failNext = false;
  async openExternal(url: string): Promise<void> {
    if (this.failNext) {
      this.failNext = false;
      throw new Error(`Failed to open: ${url}`);
    }
    this.opened.push(url);
  }
}

/** A NativeImage as desktopCapturer hands thumbnails out: one 1× representation of B,G,R,A pixels, or empty. */
export class FakeNativeImage {
  constructor(
    private readonly bgra: Buffer,
    private readonly width: number,
    private readonly height: number,
  ) {}
  static empty(): FakeNativeImage {
    return new FakeNativeImage(Buffer.alloc(0), 0, 0);
  }
  isEmpty(): boolean {
    return this.width === 0 || this.height === 0;
  }
  getSize(): { width: number; height: number } {
    return { width: this.width, height: this.height };
  }
  /** A copy, as Electron's. */
  toBitmap(): Buffer {
    return Buffer.from(this.bgra);
  }
}

/** A monitor as a test describes it: Electron's Display fields and its picture at full resolution (bounds × scale). */
export interface FakeDisplay {
  id: number;
  bounds: { x: number; y: number; width: number; height: number };
  scaleFactor: number;
  /** B,G,R,A rows, (bounds.width × scaleFactor) × (bounds.height × scaleFactor) pixels. */
  picture: Buffer;
}

/** Electron's screen module: the displays a test set. */
class FakeScreen {
  displays: FakeDisplay[] = [];
  getAllDisplays(): { id: number; bounds: FakeDisplay['bounds']; scaleFactor: number; size: { width: number; height: number } }[] {
    return this.displays.map((d) => ({ id: d.id, bounds: { ...d.bounds }, scaleFactor: d.scaleFactor, size: { width: d.bounds.width, height: d.bounds.height } }));
  }
}

/**
 * desktopCapturer as Electron documents it: getSources({ types, thumbnailSize }) resolves to one source per screen
 * (`screen:<n>:0`, its display_id the Display's id as a string) whose thumbnail is the screen's picture fitted inside
 * thumbnailSize keeping its aspect ratio (scaled down or up, as Chromium's letterboxing does), and one per window
 * (`window:<handle>:<1 for this process, else 0>`); a 0×0 thumbnailSize gives empty thumbnails. A test may make the
 * next calls fail (no portal) or come back empty (a portal dialog cancelled), and counts the calls.
 */
class FakeDesktopCapturer {
  windows: { handle: number; name: string; ownProcess: boolean }[] = [];
  failWith: Error | null = null;
  /** Wayland: the person cancelled the portal's dialog. */
  declined = false;
  readonly calls: { types: string[]; thumbnailSize: { width: number; height: number } }[] = [];
  constructor(private readonly screen: FakeScreen) {}

  async getSources(options: { types: ('screen' | 'window')[]; thumbnailSize?: { width: number; height: number } }) {
    const size = options.thumbnailSize ?? { width: 150, height: 150 };
    this.calls.push({ types: [...options.types], thumbnailSize: { ...size } });
    if (this.failWith) throw this.failWith;
    if (this.declined) return [];
    const sources: { id: string; name: string; display_id: string; thumbnail: FakeNativeImage; appIcon: null }[] = [];
    if (options.types.includes('screen')) {
      for (const [i, d] of this.screen.displays.entries()) {
        const thumbnail = await fitted(d, size);
        sources.push({ id: `screen:${i}:0`, name: this.screen.displays.length === 1 ? 'Entire Screen' : `Screen ${i + 1}`, display_id: String(d.id), thumbnail, appIcon: null });
      }
    }
    if (options.types.includes('window')) {
      for (const w of this.windows) {
        sources.push({ id: `window:${w.handle}:${w.ownProcess ? 1 : 0}`, name: w.name, display_id: '', thumbnail: FakeNativeImage.empty(), appIcon: null });
      }
    }
    return sources;
  }
}

async function fitted(display: FakeDisplay, size: { width: number; height: number }): Promise<FakeNativeImage> {
  if (size.width <= 0 || size.height <= 0) return FakeNativeImage.empty();
  const width = Math.round(display.bounds.width * display.scaleFactor);
  const height = Math.round(display.bounds.height * display.scaleFactor);
  const scale = Math.min(size.width / width, size.height / height);
  const out = { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
  if (out.width === width && out.height === height) return new FakeNativeImage(Buffer.from(display.picture), width, height);
  const data = await sharp(display.picture, { raw: { width, height, channels: 4 } }).resize({ ...out, fit: 'fill' }).raw().toBuffer();
  return new FakeNativeImage(data, out.width, out.height);
}

/**
 * Plays Electron's process.parentPort inside a forked node (loaded with --import before the worker): postMessage and
 * 'message' ({ data }) over Node's IPC, and no process.send, so the worker must use the port as it would in Electron.
 */
const PARENT_PORT_SHIM = [
  "import { EventEmitter } from 'node:events';",
  'const send = process.send.bind(process);',
  'const port = new EventEmitter();',
  'port.postMessage = (message) => send(message);',
  "process.on('message', (data) => port.emit('message', { data, ports: [] }));",
  'process.parentPort = port;',
  'delete process.send;',
].join('\n');
const SHIM_URL = `data:text/javascript,${encodeURIComponent(PARENT_PORT_SHIM)}`;

type StdioOption = 'pipe' | 'ignore' | 'inherit';

/**
 * A stand-in for Electron's UtilityProcess: a real node process running the module (so a native abort really ends
 * only it), with Electron's surface: 'spawn', 'message' (the data itself), 'exit' (a code only), postMessage(),
 * kill() (SIGTERM), pid only while it runs, stdin that must be 'ignore'.
 */
export class FakeUtilityProcess extends EventEmitter {
  static readonly all: FakeUtilityProcess[] = [];
  pid: number | undefined = undefined;
  stdout: NodeJS.ReadableStream | null;
  stderr: NodeJS.ReadableStream | null;
  readonly child: ChildProcess;

  constructor(
    readonly modulePath: string,
    readonly args: string[],
    readonly options: { env?: NodeJS.ProcessEnv; execArgv?: string[]; stdio?: StdioOption[] | StdioOption; serviceName?: string },
  ) {
    super();
    const stdio = typeof options.stdio === 'string' ? [options.stdio, options.stdio, options.stdio] : (options.stdio ?? ['ignore', 'inherit', 'inherit']);
    if (stdio[0] !== 'ignore') throw new Error('utilityProcess: stdin must be ignore');
    FakeUtilityProcess.all.push(this);
    this.child = spawn(process.execPath, [...(options.execArgv ?? []), '--import', SHIM_URL, modulePath, ...args], {
      env: options.env ?? process.env,
      stdio: ['ignore', stdio[1] ?? 'inherit', stdio[2] ?? 'inherit', 'ipc'],
      serialization: 'advanced', // structured clone, as Electron's ports
    });
    this.stdout = this.child.stdout;
    this.stderr = this.child.stderr;
    this.child.once('spawn', () => {
      this.pid = this.child.pid;
      this.emit('spawn');
    });
    this.child.on('message', (message) => this.emit('message', message));
    this.child.on('error', () => undefined); // Electron reports a failed launch as an exit
    this.child.once('exit', (code, signal) => {
      this.pid = undefined;
      this.stdout = null;
      this.stderr = null;
      this.emit('exit', code ?? 128 + (signal ? constants.signals[signal] : 0));
    });
  }

  postMessage(message: unknown): void {
    if (this.child.connected) this.child.send(message as object);
  }

  kill(): boolean {
    return this.child.kill('SIGTERM');
  }
}

const app = new FakeApp();
const ipcMain = new FakeIpcMain();
/** powerMonitor's events (a test emits them) and the system idle time a test sets, in whole seconds as Electron's. */
class FakePowerMonitor extends EventEmitter {
  idleSeconds = 0;
  getSystemIdleTime(): number {
    return this.idleSeconds;
  }
}

const powerMonitor = new FakePowerMonitor();
const screen = new FakeScreen();
const desktopCapturer = new FakeDesktopCapturer(screen);
const defaultSession = new FakeSession();
const safeStorage = new FakeSafeStorage();
const systemPreferences = new FakeSystemPreferences();
const shell = new FakeShell();
const dialog = new FakeDialog();
const utilityProcess = {
  fork: (modulePath: string, args: string[] = [], options: ConstructorParameters<typeof FakeUtilityProcess>[2] = {}) =>
    new FakeUtilityProcess(modulePath, args, options),
};

export const fakeElectron = {
  app,
  ipcMain,
  powerMonitor,
  screen,
  desktopCapturer,
  safeStorage,
  systemPreferences,
  shell,
  dialog,
  utilityProcess,
  utilityProcesses: FakeUtilityProcess.all,
  menus: FakeMenu,
  session: { defaultSession },
  windows: FakeBrowserWindow.all,
  trays: FakeTray.all,
  /** What vi.mock('electron') returns: the names the main process imports. */
  module: {
    app,
    ipcMain,
    powerMonitor,
    screen,
    desktopCapturer,
    safeStorage,
    systemPreferences,
    shell,
    dialog,
    utilityProcess,
    session: { defaultSession },
    BrowserWindow: FakeBrowserWindow,
    Tray: FakeTray,
    Menu: FakeMenu,
    nativeImage: { createFromBitmap: (bitmap: Buffer, size: { width: number; height: number }) => ({ bitmap, ...size }) },
  },
};
