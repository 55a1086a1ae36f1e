import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { execArgument, XdgAutostart } from '../../../../src/main/config/xdg-autostart.js';

/**
 * What a GLib desktop (GNOME's autostart, GIO's launcher) runs for an entry: GKeyFile unescapes the value,
 * g_shell_parse_argv splits it, and each argument's field codes are expanded (`%%` is a `%`; the entry uses no other).
 */
function glibArgv(file: string): string[] {
  const script = [
    'import json, sys',
    'from gi.repository import GLib',
    'kf = GLib.KeyFile()',
    'kf.load_from_file(sys.argv[1], GLib.KeyFileFlags.NONE)',
    "ok, argv = GLib.shell_parse_argv(kf.get_string('Desktop Entry', 'Exec'))",
    "print(json.dumps([arg.replace('%%', '%') for arg in argv]))",
  ].join('\n');
  const run = spawnSync('/usr/bin/python3', ['-c', script, file], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`GLib could not read the entry: ${run.stderr}`);
  return JSON.parse(run.stdout) as string[];
}

describe('XdgAutostart: "Open at login" on Linux', () => {
  const dirs: string[] = [];
  const home = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'wt-autostart-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('writes an entry in $XDG_CONFIG_HOME/autostart that starts the app hidden, and removes it to switch off', () => {
    const config = home();
    const autostart = new XdgAutostart({ env: { XDG_CONFIG_HOME: config }, exec: '/opt/Worktrace/worktrace', args: ['--hidden'] });
    expect(autostart.get()).toBe(false);
    autostart.set(true);
    expect(autostart.file).toBe(join(config, 'autostart', 'worktrace.desktop'));
    expect(autostart.get()).toBe(true);
    const entry = readFileSync(autostart.file, 'utf8');
    expect(entry).toMatch(/^\[Desktop Entry\]\nType=Application\nName=Worktrace\n/);
    expect(statSync(autostart.file).mode & 0o777).toBe(0o600);
    expect(glibArgv(autostart.file)).toEqual(['/opt/Worktrace/worktrace', '--hidden']);
    autostart.set(false);
    expect(autostart.get()).toBe(false);
    autostart.set(false); // already off: nothing to remove, no error
  });

  it('falls back to ~/.config when XDG_CONFIG_HOME is unset or not absolute', () => {
    const dir = home();
    for (const env of [{ HOME: dir }, { HOME: dir, XDG_CONFIG_HOME: 'relative/path' }]) {
      expect(new XdgAutostart({ env, exec: '/x', args: [] }).file).toBe(join(dir, '.config', 'autostart', 'worktrace.desktop'));
    }
  });

  it('quotes an AppImage path with spaces, quotes, dollars, backslashes and percent signs so GLib runs exactly it', () => {
    const exec = `/home/ann/My Apps/Work "trace" $HOME \\ 100%.AppImage`;
    const autostart = new XdgAutostart({ env: { XDG_CONFIG_HOME: home() }, exec, args: ['--hidden'] });
    autostart.set(true);
    expect(glibArgv(autostart.file)).toEqual([exec, '--hidden']);
    expect(execArgument('plain')).toBe('plain');
    expect(() => execArgument('two\nlines')).toThrow(RangeError);
  });

  it('reads an entry the desktop disabled (Hidden=true, or GNOME’s switch) as off', () => {
    const autostart = new XdgAutostart({ env: { XDG_CONFIG_HOME: home() }, exec: '/x', args: [] });
    autostart.set(true);
    writeFileSync(autostart.file, `${readFileSync(autostart.file, 'utf8')}Hidden=true\n`);
    expect(autostart.get()).toBe(false);
    autostart.set(true);
    writeFileSync(autostart.file, readFileSync(autostart.file, 'utf8').replace('X-GNOME-Autostart-enabled=true', 'X-GNOME-Autostart-enabled=false'));
    expect(autostart.get()).toBe(false);
  });
});
