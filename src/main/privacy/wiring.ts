import { CaptureScreenshotTaker } from '../capture/screenshot-taker.js';
import type { KeyStore } from '../crypto/key-store.js';
import type { Logger } from '../log.js';
import type { ActiveWindowSensor, ScreenCapturer } from '../sensors/types.js';
import type { Store } from '../store/index.js';
import type { PolicySource } from '../tracking/ports.js';
import { PrivateWindowRules, contractPrivateWindows, type PrivacyRules } from './rules.js';
import { PrivateWindowFilter } from './window-filter.js';

export interface PrivateTrackingParts {
  /** The union of the freelancer's list and the contract's, read at every question. */
  readonly rules: PrivacyRules;
  /** The active window as the tracker records it: private ones as "Private". */
  readonly window: ActiveWindowSensor;
  /** The capture pipeline that paints private windows out, or skips the screenshot where it cannot. */
  readonly screenshots: CaptureScreenshotTaker;
}

/**
 * The privacy half of a tracking session, for both composition roots (the CLI's createTrackingAgent and the app's
 * TrackingSession): the tracker gets `window` and `screenshots` from here instead of the raw sensor and capturer.
 */
export function privateTrackingParts(deps: {
  readonly store: Store;
  readonly keys: KeyStore;
  readonly sensors: { readonly window: ActiveWindowSensor; readonly capturer: ScreenCapturer };
  readonly policy: PolicySource;
  readonly newId: () => string;
  readonly logger: Logger;
}): PrivateTrackingParts {
  const { store, sensors } = deps;
  const rules = new PrivateWindowRules({ device: store.privateWindows, contract: contractPrivateWindows(deps.policy), settings: store.settings });
  const screenshots = new CaptureScreenshotTaker({
    capturer: sensors.capturer,
    keys: deps.keys,
    screenshots: store.screenshots,
    newId: deps.newId,
    logger: deps.logger,
    privacy: rules,
    activeWindow: sensors.window,
    skips: store.segments,
  });
  return { rules, window: new PrivateWindowFilter(sensors.window, rules), screenshots };
}
