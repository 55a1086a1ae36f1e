import type { RedactionReport } from '../../shared/privacy/index.js';
import type { ActiveWindowSensor, ScreenCapturer } from '../sensors/types.js';

/**
 * How private windows are kept out of screenshots with this capturer (see RedactionReport): painted out where it knows
 * every window's frame (native X11), only skipped while focused where it hands back a picture of the screen (the
 * desktopCapturer, the Windows core), none at all while any rule exists where the focused window cannot be read
 * either (CaptureScreenshotTaker skips when the focus is unknown), moot where it takes no screenshot at all.
 */
export function redactionReport(capturer: ScreenCapturer, window: ActiveWindowSensor): RedactionReport {
  const state = capturer.state();
  const backend = state.backend;
  if (capturer.redactsWindows) {
    return {
      redaction: 'windows',
      backend,
      reason: 'every window’s frame is read with the pixels, so each private window is painted out on every monitor, focused or not',
    };
  }
  if (state.status === 'unavailable') {
    return { redaction: 'no-screenshots', backend, reason: `no screenshots are taken here (${state.reason}), so none can show a private window` };
  }
  const focus = window.state();
  if (focus.status === 'unavailable') {
    return {
      redaction: 'while-any-rule',
      backend,
      reason: `${backend} cannot tell where windows are and the focused window cannot be read here (${focus.reason}): while any private-window rule is in force, no screenshot is taken`,
    };
  }
  return {
    redaction: 'focused-window',
    backend,
    reason: `${backend} hands back a picture of the screen and cannot tell where windows are: a screenshot is skipped while a private window is focused, but a private window in the background is not painted out`,
  };
}
