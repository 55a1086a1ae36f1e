import type { AppState, ContractView, DesktopNotice, EventPayload, PermissionPane, SensorRow } from '../shared/ipc/contract.js';
import type { ScreenshotMode } from '../shared/protocol/policy.js';
import type { ScreenshotSkipReason } from '../shared/protocol/segment.js';

/** What the UI says, as pure functions: the freelancer reads words, not enum values. */

export function policyWords(mode: ScreenshotMode): string {
  switch (mode) {
    case 'on':
      return 'Screenshots on';
    case 'blurred':
      return 'Screenshots blurred';
    case 'off':
      return 'Time only — no screenshots';
  }
}

export function contractOption(contract: ContractView): string {
  return `${contract.name} — ${policyWords(contract.screenshots)}`;
}

/** A contract the picker does not offer: "Landing page: cannot be tracked, it was paused by the client." */
export function unavailableWords(contract: ContractView): string {
  return `${contract.name}: cannot be tracked, ${contract.whyNot ?? 'it is not active'}.`;
}

/** "HH:MM" in the person's own time zone. */
export function clockTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '—';
  return `${String(date.getHours()).padStart(2, '0')}:${String(date.getMinutes()).padStart(2, '0')}`;
}

/** "0 min", "42 min", "3 h 05 min": whole minutes, rounded down (a minute is shown once it is worked). */
export function elapsed(ms: number): string {
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

export function segmentWords(segment: AppState['tracking']['segment']): string {
  if (!segment) return '—';
  return `${segment.activeMinutes} of ${segment.trackedMinutes} min active (since ${clockTime(segment.startedAt)})`;
}

/** "The client turned screenshots off for this contract at 14:05". */
export function policyChangeWords(change: EventPayload<'policy:changed'>): string {
  const at = clockTime(change.at);
  switch (change.to) {
    case 'off':
      return `The client turned screenshots off for this contract at ${at}. Only time is recorded now.`;
    case 'on':
      return `The client turned screenshots on for this contract at ${at}.`;
    case 'blurred':
      return `The client set screenshots to blurred for this contract at ${at}.`;
  }
}

/** "You were idle for 12 minutes — keep or discard?" */
export function idleWords(prompt: EventPayload<'idle:prompt'>): string {
  const minutes = prompt.minutes === 1 ? '1 minute' : `${prompt.minutes} minutes`;
  return `You were idle for ${minutes} (${clockTime(prompt.fromAt)}–${clockTime(prompt.toAt)}) — keep or discard?`;
}

export function syncWords(state: AppState): string {
  const sync = state.sync;
  const parts: string[] = [];
  if (sync.signInAgain) parts.push('Stopped: sign in again to upload.');
  else parts.push(sync.online ? 'Connected to the server.' : 'Offline: your work is kept here and sent later.');
  const pending = sync.pendingSegments + sync.pendingScreenshots;
  parts.push(
    pending === 0
      ? 'Everything is uploaded.'
      : `${count(sync.pendingSegments, 'segment')} and ${count(sync.pendingScreenshots, 'screenshot')} wait to upload.`,
  );
  // Work recorded here under another account is not sent with this sign-in: say whose it is.
  for (const other of sync.waiting ?? []) {
    parts.push(`${count(other.items, 'item')} ${other.items === 1 ? 'waits' : 'wait'} for ${other.email} on ${other.serverUrl}: sign in as them to send them.`);
  }
  parts.push(sync.lastSyncAt ? `Last sync at ${clockTime(sync.lastSyncAt)}.` : 'Not synced yet.');
  if (sync.lastError) parts.push(`Last problem: ${sync.lastError}`);
  return parts.join(' ');
}

/** "A screenshot the server would not take: the server could not read it as a picture." (main words the reason). */
export function parkedWords(item: AppState['sync']['parked'][number]): string {
  return `A ${item.kind.replace('-', ' ')} the server would not take: ${item.error}`; // "screenshot-deletion": two words
}

/**
 * What the person can do about a parked item, and when it is tried again on its own:
 * "Check this computer's clock and time zone, then retry. Tried again on its own at 15:05; Retry tries now."
 */
export function parkedTodoWords(item: AppState['sync']['parked'][number]): string {
  const when = item.retryAt ? `Tried again on its own at ${clockTime(item.retryAt)}` : 'Tried again at the next upload';
  return `${item.todo ? `${item.todo} ` : ''}${when}; Retry tries now.`;
}

/** The server's own answer, shown folded under the sentence for whoever wants it. */
export function parkedDetailWords(item: AppState['sync']['parked'][number]): string | null {
  return item.detail ? `The server said: ${item.detail}` : null;
}

export { hiddenWindowsWords, privateRuleWords } from '../shared/privacy/words.js';

/** Why the open segment has no screenshot, when privacy was the reason. */
export function skippedWords(reason: ScreenshotSkipReason): string {
  switch (reason) {
    case 'private-window':
      return 'No screenshot in this segment: a private window was in front (this computer cannot paint windows out of a screenshot).';
    case 'private-list-unreadable':
      return 'No screenshot in this segment: a private-window list could not be read.';
  }
}

export function deleteWarning(segmentMinutes: number | null): string {
  const time = segmentMinutes === null ? "this segment's time" : `this segment's time (up to ${segmentMinutes} min)`;
  return `Deleting this screenshot also removes ${time} from your diary: the client is not billed for it. This cannot be undone.`;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** What a permission notice says: what is missing, what that stops, where to allow it; and its button, if any. */
export interface NoticeWords {
  readonly title: string;
  readonly text: string;
  readonly action: { readonly label: string; readonly pane: PermissionPane } | null;
}

export function permissionNoticeWords(notice: DesktopNotice): NoticeWords {
  switch (notice.kind) {
    case 'screen-recording':
      return {
        title: notice.status === 'restricted' ? 'Screen Recording is blocked on this Mac' : 'Worktrace may not record the screen',
        text:
          `${notice.status === 'not-determined' ? 'macOS has not been asked to let Worktrace record the screen yet' : 'macOS does not let Worktrace record the screen'}, ` +
          'so screenshots cannot be taken until you allow it: System Settings > Privacy & Security > Screen Recording, ' +
          'turn on Worktrace. Your time is still tracked.',
        action: { label: 'Open Screen Recording settings', pane: 'screen-recording' },
      };
    case 'accessibility':
      return {
        title: 'Worktrace may not see keyboard and mouse activity',
        text:
          'macOS does not let Worktrace count keystrokes and clicks, so every minute shows as inactive until you allow it: ' +
          'System Settings > Privacy & Security > Accessibility, turn on Worktrace. Nothing you type is recorded, only counts.',
        action: { label: 'Open Accessibility settings', pane: 'accessibility' },
      };
    case 'wayland-session':
      return {
        title: 'This is a Wayland session',
        text:
          'Wayland does not let Worktrace see which window is active or count keyboard and mouse activity, so those show as ' +
          'unavailable here, never guessed. Screenshots go through the system\'s screen-sharing dialog: allow Worktrace when ' +
          'it asks. For everything, log out and pick an X11 session at the login screen (for example "GNOME on Xorg"). ' +
          'Your time is still tracked.',
        action: null,
      };
  }
}

const SENSOR_NAMES: Record<SensorRow['sensor'], string> = {
  input: 'Keyboard and mouse activity',
  window: 'Active window',
  screenshots: 'Screenshots',
};

/** One line of "On this computer": what records each sensor here, or that it cannot, and why (as `worktrace status`). */
export function sensorWords(row: SensorRow): { readonly title: string; readonly reason: string | null } {
  const how = row.status === 'ok' ? `through ${row.backend}` : 'not available';
  const reason = row.reason.trim() === '' || row.reason === 'ok' ? null : row.reason;
  return { title: `${SENSOR_NAMES[row.sensor]}: ${how}`, reason };
}

/** The one question before signing out everywhere: what ends, and that nothing recorded is lost. */
export function everywhereQuestion(account: NonNullable<AppState['account']>): string {
  return (
    `Every sign-in of ${account.email} at ${account.serverUrl} ends: this computer, your other computers and your browsers. ` +
    'Tracking stops here; what was recorded stays on this computer and is sent after you sign in again.'
  );
}
