import { mkdirSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import {
  BrowserWindow,
  Menu,
  Tray,
  app,
  desktopCapturer,
  dialog,
  ipcMain,
  nativeImage,
  powerMonitor,
  safeStorage,
  screen,
  session,
  shell,
  systemPreferences,
  utilityProcess,
} from 'electron';
import type { Clock } from '../../shared/clock.js';
import type { AppState } from '../../shared/ipc/index.js';
import { AppService, DesktopPermissionsMonitor, defaultSensorFactory, type SensorFactory } from '../app/index.js';
import { systemClock } from '../clock/system-clock.js';
import { createLogger, type Logger } from '../log.js';
import { watchLogindLock, type LockWatch } from '../power/logind-lock.js';
import { APP_USER_MODEL_ID } from './app-id.js';
import { electronScreenSources } from './desktop-capturer.js';
import { forwardEvents, registerIpcHandlers, senderCheck } from './ipc.js';
import { launchAtLogin, startsHidden } from './login-items.js';
import { electronPermissionProbe } from './permissions.js';
import { electronSaveDialog } from './save-dialog.js';
import { wirePowerEvents } from './power.js';
import { SafeStorageCredentials, SafeStorageKeyStore } from './safe-storage.js';
import { powerMonitorIdle } from './system-idle.js';
import { utilityProcessLauncher } from './utility-process-launcher.js';
import { hardenSession, hardenWebContents, packagedMenuTemplate, secureWebPreferences } from './security.js';
import { trayIconBitmap, TRAY_ICON_SIZE, type TrayIconState } from './tray-icon.js';
import { trayIconState, trayMenuTemplate, trayTooltip } from './tray.js';

/** main.ts and the tests find the built page and preload through this. */
export { builtPaths } from './paths.js';

export interface ShellOptions {
  /** The renderer's page (dist/renderer/index.html) and the preload (dist/preload/preload.cjs). */
  readonly rendererIndex: string;
  readonly preloadPath: string;
  /** Default: Electron's userData directory. */
  readonly dataDir?: string;
  readonly clock?: Clock;
  readonly logger?: Logger;
  readonly sensors?: SensorFactory;
  /** Default: this process's. Tests pass 'darwin' or a Wayland session to see the permission notices. */
  readonly platform?: NodeJS.Platform;
  readonly env?: NodeJS.ProcessEnv;
  /** Default: process.argv (`--hidden`: start in the tray only). */
  readonly argv?: readonly string[];
}

export interface Shell {
  readonly service: AppService;
  readonly tray: Tray;
  window(): BrowserWindow | null;
  showWindow(): BrowserWindow;
  quit(): Promise<void>;
}

/**
 * The Electron shell: single instance, hardened window and session, IPC, tray and power events around the
 * Electron-free AppService. Returns null when another instance already runs (that one is shown instead).
 */
export async function startShell(options: ShellOptions): Promise<Shell | null> {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return null;
  }
  const logger = (options.logger ?? createLogger({ level: process.env.WORKTRACE_LOG_LEVEL ?? 'warn' })).child({ subsystem: 'electron' });
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, app.isPackaged));
  await app.whenReady();
  hardenSession(session.defaultSession);
  if (app.isPackaged) Menu.setApplicationMenu(Menu.buildFromTemplate(packagedMenuTemplate(options.platform ?? process.platform)));

  const dataDir = options.dataDir ?? app.getPath('userData');
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const platform = options.platform ?? process.platform;
  const env = options.env ?? process.env;
  if (platform === 'win32') app.setAppUserModelId(APP_USER_MODEL_ID);
  const permissions = new DesktopPermissionsMonitor(electronPermissionProbe({ systemPreferences, shell }, platform, env));
  const service = new AppService({
    clock: options.clock ?? systemClock,
    dataDir,
    keys: new SafeStorageKeyStore(dataDir, safeStorage),
    credentials: new SafeStorageCredentials(dataDir, safeStorage),
    logger,
    // The input hook runs in a utility process: a native abort there cannot take the app down. Screenshots go through
    // desktopCapturer where the native core does not lead, idle time through powerMonitor where the core has none.
    sensors:
      options.sensors ??
      defaultSensorFactory(logger, {
        inputWorkers: utilityProcessLauncher(utilityProcess),
        screenSources: electronScreenSources({ desktopCapturer, screen, systemPreferences }, platform),
        systemIdle: powerMonitorIdle(powerMonitor),
      }),
    launchAtLogin: launchAtLogin(app, platform, env, process.execPath),
    permissions,
    // The window is made later; the dialog asks for it when it opens.
    saveDialog: electronSaveDialog(dialog, () => mainWindow, () => app.getPath('documents')),
  });
  await service.open();

  const pageUrl = pathToFileURL(options.rendererIndex).href;
  // The person grants a permission in System Settings and comes back: the window gains focus (or the machine wakes),
  // so the OS is asked again and the page gets a new state only when the answer changed.
  const recheckPermissions = (): void => {
    if (!permissions.refresh()) return;
    logger.info({ notices: permissions.current().notices.map((n) => n.kind) }, 'desktop permissions changed');
    void service.invoke('state:get', {});
  };
  logger.info({ notices: permissions.current().notices.map((n) => n.kind) }, 'desktop permissions');
  let mainWindow: BrowserWindow | null = null;
  const showWindow = (): BrowserWindow => {
    if (mainWindow && !mainWindow.isDestroyed()) {
      mainWindow.show();
      mainWindow.focus();
      return mainWindow;
    }
    const created = new BrowserWindow({
      width: 960,
      height: 720,
      show: false,
      title: 'Worktrace',
      webPreferences: secureWebPreferences(options.preloadPath, app.isPackaged),
    });
    mainWindow = created;
    created.once('ready-to-show', () => created.show());
    created.on('focus', recheckPermissions);
    created.on('closed', () => {
      if (mainWindow === created) mainWindow = null;
    });
    void created.loadFile(options.rendererIndex).catch((error: unknown) => logger.error({ err: error }, 'the window did not load'));
    return created;
  };

  registerIpcHandlers(ipcMain, service, senderCheck(() => mainWindow, pageUrl));
  forwardEvents(service, () => mainWindow?.webContents ?? null);
  // Electron reports the screen lock on macOS and Windows; on Linux logind does.
  const locks: LockWatch | null = platform === 'linux' ? await watchLogindLock({ env, pid: process.pid, logger }) : null;
  if (locks) logger.info({ lock: locks.state() }, 'screen lock watch');
  wirePowerEvents(powerMonitor, service, locks ?? undefined);
  powerMonitor.on('resume', recheckPermissions);
  powerMonitor.on('unlock-screen', recheckPermissions);

  let quitting = false;
  const quit = async (): Promise<void> => {
    if (quitting) return;
    quitting = true;
    await service.close().catch((error: unknown) => logger.error({ err: error }, 'closing the agent failed'));
    locks?.close();
    tray.destroy();
    app.quit();
  };

  const icons = new Map<TrayIconState, Electron.NativeImage>();
  const icon = (state: TrayIconState) => {
    let image = icons.get(state);
    if (!image) {
      image = nativeImage.createFromBitmap(trayIconBitmap(state), { width: TRAY_ICON_SIZE, height: TRAY_ICON_SIZE });
      icons.set(state, image);
    }
    return image;
  };
  const tray = new Tray(icon('paused'));
  let lastContractId: string | null = null;
  const act = (channel: Parameters<AppService['invoke']>[0], request: unknown) =>
    void service.invoke(channel, request).then((answer) => {
      if (!answer.ok) showWindow(); // the window shows the error in words
    });
  const updateTray = (state: AppState): void => {
    if (tray.isDestroyed()) return;
    if (state.tracking.contractId) lastContractId = state.tracking.contractId;
    tray.setImage(icon(trayIconState(state)));
    tray.setToolTip(trayTooltip(state));
    tray.setContextMenu(
      Menu.buildFromTemplate(
        trayMenuTemplate(state, lastContractId, {
          start: (contractId) => act('tracking:start', { contractId, memo: state.tracking.memo }),
          stop: () => act('tracking:stop', {}),
          open: () => void showWindow(),
          quit: () => void quit(),
          setLaunchAtLogin: (enabled) => act('settings:launch-at-login', { enabled }),
        }),
      ),
    );
  };
  tray.on('click', () => void showWindow());
  service.on('state:changed', updateTray);
  updateTray(await service.state());

  app.on('second-instance', () => void showWindow());
  // A tray app keeps running with its window closed; Quit in the tray (or the OS logging out) ends it.
  app.on('window-all-closed', () => undefined);
  app.on('before-quit', (event) => {
    if (quitting) return;
    event.preventDefault();
    void quit();
  });
  if (!startsHidden(app, options.argv ?? process.argv, platform)) showWindow();
  return { service, tray, window: () => mainWindow, showWindow, quit };
}
