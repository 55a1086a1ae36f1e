import type { AppState, ContractView, InvokeRequest } from '../../shared/ipc/index.js';
import { readPrivateList, type RedactionReport } from '../../shared/privacy/index.js';
import type { ReceivedPolicy } from '../../shared/protocol/index.js';
import { KEEP_APP_NAMES_KEY } from '../privacy/index.js';
import type { Store } from '../store/index.js';

/**
 * The freelancer's private-window list in the app: the same store table `worktrace private` edits, so a rule added
 * in either place holds in both, and in a running session from its next window sample and screenshot.
 */
export type PrivacyChannel = 'privacy:add' | 'privacy:remove' | 'privacy:keep-app-names';

export function changePrivacy(store: Store, channel: PrivacyChannel, request: InvokeRequest<PrivacyChannel>): void {
  switch (channel) {
    case 'privacy:add':
      store.privateWindows.add(request as InvokeRequest<'privacy:add'>);
      return;
    case 'privacy:remove':
      store.privateWindows.remove(request as InvokeRequest<'privacy:remove'>);
      return;
    case 'privacy:keep-app-names':
      store.settings.set(KEEP_APP_NAMES_KEY, (request as InvokeRequest<'privacy:keep-app-names'>).enabled ? '1' : '0');
      return;
  }
}

/** The lists for the settings view, and how the session's capturer keeps private windows out (null: none ran yet). */
export function privacyView(store: Store | null, redaction: RedactionReport | null): NonNullable<AppState['privacy']> {
  if (!store) return { rules: [], unreadable: null, keepAppNames: false, redaction };
  const keepAppNames = store.settings.get(KEEP_APP_NAMES_KEY) === '1';
  try {
    return { rules: store.privateWindows.list(), unreadable: null, keepAppNames, redaction };
  } catch (error) {
    return { rules: [], unreadable: error instanceof Error ? error.message : String(error), keepAppNames, redaction };
  }
}

/** The client's list of a contract, for its view: null when this agent cannot read it. */
export function contractPrivateWindows(policy: ReceivedPolicy): ContractView['privateWindows'] {
  const read = readPrivateList(policy.privateWindows);
  return read.readable ? [...read.rules] : null;
}
