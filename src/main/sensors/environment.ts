import { spawnSync } from 'node:child_process';

/**
 * What the sensor backends look at before they start: the platform, the environment variables and
 * whether a helper program is on PATH. It is a value (not process globals) so the chooser's
 * decisions can be tested from a described environment without touching the machine.
 */
export interface SensorEnvironment {
  readonly platform: NodeJS.Platform;
  readonly vars: Readonly<Record<string, string | undefined>>;
  hasCommand(name: string): boolean;
}

/** The environment of this process. Command look-ups are cached: PATH does not change while we run. */
export function systemSensorEnvironment(): SensorEnvironment {
  const known = new Map<string, boolean>();
  return {
    platform: process.platform,
    vars: process.env,
    hasCommand(name) {
      let found = known.get(name);
      if (found === undefined) {
        found = commandOnPath(name);
        known.set(name, found);
      }
      return found;
    },
  };
}

function commandOnPath(name: string): boolean {
  if (!/^[\w.-]+$/.test(name)) return false; // never hand a shell anything but a plain program name
  if (process.platform === 'win32') return spawnSync('where', [name], { stdio: 'ignore' }).status === 0;
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

/**
 * Why an X11-based backend cannot work in this environment, or null when it may. Only Linux is
 * checked: the npm libraries use the platform's own APIs on macOS and Windows.
 */
export function x11Problem(env: SensorEnvironment): string | null {
  if (env.platform !== 'linux') return null;
  if (env.vars.DISPLAY) return null;
  const wayland = env.vars.WAYLAND_DISPLAY || env.vars.XDG_SESSION_TYPE === 'wayland';
  return wayland
    ? 'a Wayland session without X (DISPLAY is not set; XWayland is not running)'
    : 'no X display (DISPLAY is not set)';
}

/** A note for sensors that do work under XWayland but see only what X11 applications do. */
export function xwaylandNote(env: SensorEnvironment): string | undefined {
  if (env.platform !== 'linux' || !env.vars.DISPLAY) return undefined;
  const wayland = env.vars.WAYLAND_DISPLAY || env.vars.XDG_SESSION_TYPE === 'wayland';
  return wayland ? 'Wayland session: only X11 (XWayland) applications are seen' : undefined;
}

/** The first helper program that is missing, as words a person can act on, or null. */
export function missingTool(env: SensorEnvironment, tools: readonly { command: string; pkg: string }[]): string | null {
  for (const tool of tools) {
    if (!env.hasCommand(tool.command)) return `${tool.command} is not installed (Debian/Ubuntu package ${tool.pkg})`;
  }
  return null;
}
