import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { writePrivateFile } from '../files/private-file.js';

/** The app's "open at login" switch, as the AppService sees it (src/main/app/types.ts LaunchAtLogin). */
export interface LoginSwitch {
  get(): boolean;
  set(enabled: boolean): void;
}

export const AUTOSTART_FILE = 'worktrace.desktop';

export interface XdgAutostartOptions {
  /** XDG_CONFIG_HOME, else ~/.config: the entry goes in its autostart/ folder. */
  readonly env: NodeJS.ProcessEnv;
  /** The program the session starts: the AppImage itself ($APPIMAGE), else the installed executable. */
  readonly exec: string;
  /** Its arguments, `--hidden` last (the app starts in the tray only). */
  readonly args: readonly string[];
}

/**
 * "Open at login" on Linux: Electron's login items exist on macOS and Windows only; Linux desktops (GNOME, KDE, Xfce,
 * ...) start what the XDG Autostart specification puts in $XDG_CONFIG_HOME/autostart. The entry is written whole
 * through a temporary file and a rename, removed to switch off, and read back to answer get(): a person who deletes it
 * (or a desktop's settings that mark it Hidden) sees the switch off.
 */
export class XdgAutostart implements LoginSwitch {
  readonly file: string;

  constructor(private readonly options: XdgAutostartOptions) {
    const configHome = options.env.XDG_CONFIG_HOME?.startsWith('/') ? options.env.XDG_CONFIG_HOME : join(options.env.HOME ?? homedir(), '.config');
    this.file = join(configHome, 'autostart', AUTOSTART_FILE);
  }

  get(): boolean {
    if (!existsSync(this.file)) return false;
    const entry = readFileSync(this.file, 'utf8');
    return !/^Hidden\s*=\s*true\s*$/m.test(entry) && !/^X-GNOME-Autostart-enabled\s*=\s*false\s*$/m.test(entry);
  }

  set(enabled: boolean): void {
    if (!enabled) {
      rmSync(this.file, { force: true });
      return;
    }
    mkdirSync(join(this.file, '..'), { recursive: true, mode: 0o700 });
    // The careful writer the agent has (private-file.ts): whole or not at all. 0600 is enough: only this person's
    // session reads their autostart entries.
    writePrivateFile(this.file, desktopEntry(this.options.exec, this.options.args), { replace: true });
  }
}

/** The autostart entry: the program and its arguments, each quoted as the Desktop Entry Specification's Exec key says. */
export function desktopEntry(exec: string, args: readonly string[]): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=Worktrace',
    'Comment=Time tracker for hourly contracts',
    `Exec=${[exec, ...args].map(execArgument).join(' ')}`,
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

/**
 * One Exec argument. Arguments with a reserved character are put in double quotes, inside which `"`, `` ` ``, `$` and
 * `\` are backslash-escaped; then, as the value of a desktop-file string, every backslash is doubled; `%` (a field
 * code) is written `%%`. Line breaks cannot be expressed and are refused.
 */
export function execArgument(argument: string): string {
  if (/[\n\r]/.test(argument)) throw new RangeError('an Exec argument cannot hold a line break');
  const escapedPercent = argument.replace(/%/g, '%%');
  if (!/[\s"'\\><~|&;$*?#()`]/.test(escapedPercent)) return escapedPercent;
  const quoted = `"${escapedPercent.replace(/(["`$\\])/g, '\\$1')}"`;
  return quoted.replace(/\\/g, '\\\\');
}
