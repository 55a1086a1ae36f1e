import type { SensorEnvironment } from '../environment.js';
import type { SensorState } from '../types.js';

/**
 * On Wayland no application may read the screen by itself: Electron's PipeWire capturer asks the desktop portal
 * (org.freedesktop.portal.ScreenCast), which shows the person a dialog to pick a screen. This is what the app knows
 * of that consent, as a small state machine over the outcomes of its screen grabs:
 *
 *   not-asked ──grab gives pictures──▶ granted ──grab gives none──▶ refused
 *       │  └────grab gives none (dialog cancelled)──────────────────▶ refused
 *       └───────grab fails (no portal, no PipeWire)──────────────────▶ unavailable ◀── granted (a grab fails)
 *
 * `refused` and `unavailable` are final for this tracking session: the dialog is not raised again at every
 * screenshot moment. The capturer is built anew at each Start, which asks again. Chromium keeps the portal's
 * restore token for the running app only (Electron does not hand it out), so a grant lasts until the app quits.
 */
export type PortalGrantState = 'not-asked' | 'granted' | 'refused' | 'unavailable';

export class PortalGrant {
  #state: PortalGrantState = 'not-asked';
  #failure = '';

  constructor(private readonly backend: string) {}

  get current(): PortalGrantState {
    return this.#state;
  }

  /** Whether a grab may be tried now (never after a refusal or a failure in this session). */
  get mayGrab(): boolean {
    return this.#state === 'not-asked' || this.#state === 'granted';
  }

  /** A grab ended: with how many pictures, or how it failed. */
  grabbed(pictures: number): void {
    if (!this.mayGrab) return;
    this.#state = pictures > 0 ? 'granted' : 'refused';
  }

  failed(reason: string): void {
    if (!this.mayGrab) return;
    this.#state = 'unavailable';
    this.#failure = reason;
  }

  /** The capturer's state in words a person can act on. */
  sensorState(): SensorState {
    switch (this.#state) {
      case 'not-asked':
        return { status: 'ok', backend: this.backend, detail: 'Wayland: the desktop portal asks you to share a screen at the first screenshot' };
      case 'granted':
        return { status: 'ok', backend: this.backend, detail: 'Wayland: the screen you shared through the desktop portal (until Worktrace quits)' };
      case 'refused':
        return {
          status: 'unavailable',
          backend: this.backend,
          reason: 'Wayland: screen sharing was declined in the desktop portal; screenshots are skipped until tracking starts again',
        };
      case 'unavailable':
        return { status: 'unavailable', backend: this.backend, reason: `Wayland: the desktop portal could not share the screen (${this.#failure})` };
    }
  }
}

/** A Linux session whose display server is Wayland (XWayland may also be running: DISPLAY set). */
export function waylandSession(env: SensorEnvironment): boolean {
  if (env.platform !== 'linux') return false;
  return Boolean(env.vars.WAYLAND_DISPLAY) || env.vars.XDG_SESSION_TYPE?.toLowerCase() === 'wayland';
}
