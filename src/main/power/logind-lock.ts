import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Logger } from '../log.js';

/**
 * Screen lock and unlock on Linux, from systemd-logind. Electron's powerMonitor emits lock-screen / unlock-screen on
 * macOS and Windows only; on Linux logind is the one place every desktop reports to: `loginctl lock-session` (and
 * idle-lock daemons) make logind send the session's Lock / Unlock signals, and screen lockers (GNOME Shell, KDE,
 * light-locker, swaylock with a hook) set the session's LockedHint property.
 *
 * Listening needs a D-Bus client. Rather than a D-Bus library (the maintained pure-JS ones bring an XML stack for
 * introspection we would never use), the watch runs GLib's `gdbus monitor` restricted to logind's own name and our
 * session's object: one small long-lived process, shipped with every GLib desktop (Debian: libglib2.0-bin, which the
 * deb declares), whose output is one line per signal. Where it is missing or logind is not running, the watch says
 * why and the app tracks through locks as before.
 */
export type LockEvent = 'lock' | 'unlock';

export type LockWatchState =
  | { readonly status: 'watching'; readonly session: string }
  | { readonly status: 'unavailable'; readonly reason: string };

export interface LockWatch {
  /**
   * Lock and unlock of this login session; returns an unsubscribe. A listener added while the session is locked hears
   * 'lock' at once. Repeats are possible (logind's signal and the screen locker's hint).
   */
  on(listener: (event: LockEvent) => void): () => void;
  state(): LockWatchState;
  close(): void;
}

export interface LogindLockOptions {
  /** Where DBUS_SYSTEM_BUS_ADDRESS and XDG_SESSION_ID are read (the process's environment). */
  readonly env: NodeJS.ProcessEnv;
  /** This process: its session is asked for when XDG_SESSION_ID is not set. */
  readonly pid: number;
  readonly logger?: Logger;
  /** The gdbus program (default: `gdbus` on PATH). */
  readonly gdbus?: string;
}

const LOGIND = ['--system', '--dest', 'org.freedesktop.login1'];
const CALL_TIMEOUT_MS = 5000;

/** Finds this process's logind session, reads whether it is locked now, and starts listening. Never throws. */
export async function watchLogindLock(options: LogindLockOptions): Promise<LockWatch> {
  const gdbus = options.gdbus ?? 'gdbus';
  const listeners = new Set<(event: LockEvent) => void>();
  let locked = false;
  const emit = (event: LockEvent): void => {
    locked = event === 'lock';
    for (const listener of listeners) listener(event);
  };
  let current: LockWatchState;
  let child: ChildProcess | null = null;
  let closed = false;
  const watch: LockWatch = {
    on(listener) {
      listeners.add(listener);
      if (locked) listener('lock');
      return () => listeners.delete(listener);
    },
    state: () => current,
    close() {
      closed = true;
      child?.kill('SIGTERM');
      child = null;
    },
  };

  let session: string;
  try {
    const id = options.env.XDG_SESSION_ID;
    const manager = ['--object-path', '/org/freedesktop/login1', '--method'];
    const found = id
      ? await call(gdbus, options.env, [...manager, 'org.freedesktop.login1.Manager.GetSession', id])
      : await call(gdbus, options.env, [...manager, 'org.freedesktop.login1.Manager.GetSessionByPID', String(options.pid)]);
    session = objectPathOf(found);
    const hint = await call(gdbus, options.env, ['--object-path', session, '--method', 'org.freedesktop.DBus.Properties.Get', 'org.freedesktop.login1.Session', 'LockedHint']);
    locked = /<true>/.test(hint);
  } catch (error) {
    current = { status: 'unavailable', reason: `screen lock is not followed: ${messageOf(error)}` };
    options.logger?.warn({ reason: current.reason }, 'logind lock watch unavailable');
    return watch;
  }

  const monitor = spawn(gdbus, ['monitor', ...LOGIND, '--object-path', session], { env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  child = monitor;
  current = { status: 'watching', session };
  // gdbus looks up the name's owner, prints it and subscribes at once: returning after that line leaves only the
  // subscription's own round trip, during which a lock would be missed (the watch never reports one it did not see).
  let subscribed: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (subscribed = resolve));
  let stderr = '';
  monitor.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-500)));
  monitor.on('error', (error) => {
    current = { status: 'unavailable', reason: `screen lock is not followed: ${error.message}` };
  });
  monitor.on('exit', (code, signal) => {
    if (closed) return;
    current = { status: 'unavailable', reason: `screen lock is not followed: gdbus monitor ended (${signal ?? `exit ${code}`}) ${stderr.trim().split('\n')[0] ?? ''}`.trim() };
    options.logger?.warn({ reason: current.reason }, 'logind lock watch ended');
  });
  monitor.once('exit', () => subscribed());
  createInterface({ input: monitor.stdout! }).on('line', (line) => {
    if (line.startsWith('The name org.freedesktop.login1 is owned by')) subscribed();
    const event = lockEventOf(line, session);
    if (event) emit(event);
  });
  const waiting = setTimeout(subscribed, CALL_TIMEOUT_MS);
  await ready;
  clearTimeout(waiting);
  return watch;
}

/**
 * The lock event a `gdbus monitor` line reports for `session`, or null. The lines look like:
 *
 *   /org/freedesktop/login1/session/_32: org.freedesktop.login1.Session.Lock ()
 *   /org/freedesktop/login1/session/_32: org.freedesktop.DBus.Properties.PropertiesChanged ('org.freedesktop.login1.Session', {'LockedHint': <true>}, @as [])
 */
export function lockEventOf(line: string, session: string): LockEvent | null {
  const prefix = `${session}: `;
  if (!line.startsWith(prefix)) return null;
  const signal = line.slice(prefix.length);
  if (signal.startsWith('org.freedesktop.login1.Session.Lock ')) return 'lock';
  if (signal.startsWith('org.freedesktop.login1.Session.Unlock ')) return 'unlock';
  if (signal.startsWith("org.freedesktop.DBus.Properties.PropertiesChanged ('org.freedesktop.login1.Session',")) {
    const hint = /'LockedHint': <(true|false)>/.exec(signal);
    if (hint) return hint[1] === 'true' ? 'lock' : 'unlock';
  }
  return null;
}

function call(gdbus: string, env: NodeJS.ProcessEnv, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(gdbus, ['call', ...LOGIND, ...args], { env, timeout: CALL_TIMEOUT_MS, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error) reject(new Error((stderr || error.message).trim().split('\n')[0] ?? error.message));
      else resolve(stdout);
    });
  });
}

function objectPathOf(reply: string): string {
  const path = /^\(objectpath '(\/[A-Za-z0-9_/]+)',\)/.exec(reply.trim());
  if (!path) throw new Error(`logind answered with no session: ${reply.trim().slice(0, 200)}`);
  return path[1]!;
}

function messageOf(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return /ENOENT/.test(text) ? 'gdbus is not installed (Debian/Ubuntu package libglib2.0-bin)' : text.slice(0, 300);
}
