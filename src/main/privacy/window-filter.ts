import { PRIVATE_LABEL } from '../../shared/privacy/index.js';
import type { ActiveWindowSensor, SensorState, WindowSample } from '../sensors/types.js';
import type { PrivacyRules, PrivacyState } from './rules.js';

/**
 * The active window as the tracker records it: a private window's title never gets past here (it is recorded as
 * "Private"), nor its application name unless the freelancer keeps names. With an unreadable list every window
 * counts as private: a title that might be private is not recorded.
 */
export class PrivateWindowFilter implements ActiveWindowSensor {
  constructor(
    private readonly sensor: ActiveWindowSensor,
    private readonly rules: PrivacyRules,
  ) {}

  async sample(): Promise<WindowSample | null> {
    const sample = await this.sensor.sample();
    return sample ? redactSample(sample, this.rules.current()) : null;
  }

  state(): SensorState {
    return this.sensor.state();
  }
}

export function isPrivateSample(sample: WindowSample, privacy: PrivacyState): boolean {
  return !privacy.readable || privacy.matcher.matches({ title: sample.title, apps: sample.appNames ?? [sample.app] });
}

export function redactSample(sample: WindowSample, privacy: PrivacyState): WindowSample {
  if (!isPrivateSample(sample, privacy)) return sample;
  return { app: privacy.keepAppNames && sample.app !== '' ? sample.app : PRIVATE_LABEL, title: PRIVATE_LABEL, private: true };
}
