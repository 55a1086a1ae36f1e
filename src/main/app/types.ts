import type { Clock } from '../../shared/clock.js';
import type { KeyStore } from '../crypto/key-store.js';
import type { Logger } from '../log.js';
import type { Store, StoreOptions } from '../store/index.js';
import type { SensorReportRow } from '../sensors/index.js';
import type { ActiveWindowSensor, InputSensor, ScreenCapturer, SystemIdleTime } from '../sensors/types.js';
import type { Credentials } from '../sync/credentials.js';
import type { PermissionsPort } from './desktop-permissions.js';
import type { SaveDialogPort } from './timesheet-export.js';

/** Where the sign-in lives: a 0600 file headless (CredentialsStore), the OS keychain in Electron. */
export interface CredentialsVault {
  read(): Credentials | null;
  write(credentials: Credentials): void;
  /** Returns whether there was anything to remove. */
  clear(): boolean;
}

/** The sensors of one tracking session; close() releases what they hold (the native X connection). */
export interface SensorSet {
  readonly input: InputSensor;
  readonly window: ActiveWindowSensor;
  readonly capturer: ScreenCapturer;
  /** The system's idle time (the native core's, else Electron's powerMonitor): idle is known without input counts. */
  readonly idle?: SystemIdleTime;
  /** Which backend each sensor uses now and why (the app shows it; see currentReport()). */
  report?(): SensorReportRow[];
  close(): void | Promise<void>;
}

/** Called at every start, so a session never reuses a stopped input worker. */
export type SensorFactory = () => SensorSet;

/** The OS's "open at login" switch (Electron's login item settings); the default is a stored setting only. */
export interface LaunchAtLogin {
  get(): boolean;
  set(enabled: boolean): void;
}

export interface AppServiceDeps {
  readonly clock: Clock;
  readonly dataDir: string;
  readonly keys: KeyStore;
  readonly credentials: CredentialsVault;
  readonly logger: Logger;
  readonly sensors: SensorFactory;
  readonly launchAtLogin?: LaunchAtLogin;
  readonly idleThresholdMs?: number;
  /** Values in [0, 1): the screenshot moment. Default: crypto randomness. */
  readonly random?: () => number;
  readonly newId?: () => string;
  /** Uploader pass interval (default 5 s). */
  readonly syncIntervalMs?: number;
  /** Opens the store (default: the store's openStore); a test wraps it to fill the disk under a running session. */
  readonly openStore?: (options: StoreOptions) => Store;
  /** What the OS withholds (macOS permissions, a Wayland session): the Electron shell's; default: nothing to tell. */
  readonly permissions?: PermissionsPort;
  /** Where the person saves a file (Electron's save dialog); without it, saving a timesheet answers NOT_AVAILABLE. */
  readonly saveDialog?: SaveDialogPort;
}
