import type { AppState } from '../../../../src/shared/ipc/index.js';

/** An app state with nothing going on (stopped, nothing queued), signed in unless said; `extra` sets what a test shows. */
export function quietState(extra: Partial<AppState> = {}, signedIn = true): AppState {
  return {
    account: signedIn ? { email: 'ana@demo.test', serverUrl: 'http://127.0.0.1:4010' } : null,
    contracts: [],
    tracking: { status: 'stopped', contractId: null, memo: null, todayMs: 0, weekMs: 0, segment: null },
    recentScreenshots: [],
    sync: { online: true, pendingSegments: 0, pendingScreenshots: 0, parked: [], lastSyncAt: null, lastError: null, signInAgain: false, waiting: [] },
    launchAtLogin: false,
    permissions: { notices: [] },
    ...extra,
  };
}
