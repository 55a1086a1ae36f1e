import { PrivateWindowMatcher, type PrivateListRead, type PrivateWindowRule } from '../../shared/privacy/index.js';

/** The device setting that lets a private window's application name stay in the diary (its title never does). */
export const KEEP_APP_NAMES_KEY = 'privacy.keepAppNames';

/**
 * The private-window rules in force now: the union of the freelancer's list on this device and the contract's list
 * from the policy. Unreadable when either cannot be read: then no screenshot is taken and every window counts as
 * private in what is recorded (fail closed, like the policy).
 */
export type PrivacyState =
  | { readonly readable: true; readonly matcher: PrivateWindowMatcher; readonly keepAppNames: boolean }
  | { readonly readable: false; readonly reason: string; readonly keepAppNames: boolean };

export interface PrivacyRules {
  current(): PrivacyState;
}

/** No rules at all: what a caller without private windows gets. */
export const NO_PRIVATE_WINDOWS: PrivacyRules = {
  current: () => ({ readable: true, matcher: PrivateWindowMatcher.NONE, keepAppNames: false }),
};

export interface PrivateWindowRulesDeps {
  /** The freelancer's list (the store's PrivateWindowsRepository); it throws when a row is damaged. */
  readonly device: { list(): readonly PrivateWindowRule[] };
  /** The contract's list as the policy in force carries it. */
  readonly contract: () => PrivateListRead;
  /** Device settings (KEEP_APP_NAMES_KEY). */
  readonly settings: { get(key: string): string | null };
}

/**
 * Reads both lists at every question (a capture, a window sample: seconds apart), so a rule added with
 * `worktrace private add` while tracking runs holds from the next sample on. The compiled matcher is kept while
 * the rules stay the same.
 */
export class PrivateWindowRules implements PrivacyRules {
  #compiled: { key: string; matcher: PrivateWindowMatcher } | null = null;

  constructor(private readonly deps: PrivateWindowRulesDeps) {}

  current(): PrivacyState {
    let keepAppNames = false;
    let device: readonly PrivateWindowRule[];
    try {
      keepAppNames = this.deps.settings.get(KEEP_APP_NAMES_KEY) === '1';
      device = this.deps.device.list();
    } catch (error) {
      return { readable: false, reason: `your private-window list cannot be read (${error instanceof Error ? error.message : String(error)})`, keepAppNames };
    }
    const contract = this.deps.contract();
    if (!contract.readable) return { readable: false, reason: `the contract's private-window list cannot be read (${contract.reason})`, keepAppNames };
    const rules = [...device, ...contract.rules];
    const key = JSON.stringify(rules);
    if (this.#compiled?.key !== key) this.#compiled = { key, matcher: new PrivateWindowMatcher(rules) };
    return { readable: true, matcher: this.#compiled.matcher, keepAppNames };
  }
}

/**
 * The contract's list as the tracker's policy source carries it. No policy known (server mode before the first
 * answer, without a cache) means the list is not known either: unreadable, like the policy itself is time only.
 */
export function contractPrivateWindows(policy: { current(): { readonly privateWindows?: PrivateListRead } | null }): () => PrivateListRead {
  return () => {
    const current = policy.current();
    if (!current) return { readable: false, reason: 'no policy known yet' };
    return current.privateWindows ?? { readable: true, rules: [] };
  };
}
