import type { PolicySource, TrackingPolicy } from '../tracking/ports.js';

/**
 * The policy of local (personal) tracking: what the person chose on the command line, fixed for the run.
 * Server mode replaces it with the contract's policy from the server (the sync issue).
 */
export class FixedPolicySource implements PolicySource {
  constructor(private readonly policy: TrackingPolicy) {}

  current(): TrackingPolicy {
    return this.policy;
  }

  onChange(): () => void {
    return () => undefined;
  }
}
