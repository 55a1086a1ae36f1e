import type { AppState, Envelope, EventPayload, InvokeChannel, InvokeRequest, PermissionPane, ScreenshotView, WorktraceApi } from '../shared/ipc/contract.js';
import type { PrivateWindowRule } from '../shared/privacy/private-windows.js';
import { worktraceApi } from './api.js';
import { button, byId, safeImageSource, setText, show } from './dom.js';
import { renderState } from './views/render.js';
import { shiftDateKey } from '../shared/time/zoned-weeks.js';
import { clockTime, deleteWarning, everywhereQuestion, hiddenWindowsWords, idleWords, policyChangeWords } from './words.js';

/**
 * The agent's UI. All state lives in the main process; this page shows the last AppState it was given, sends the
 * person's actions as invoke calls, and listens for events. Every answer is an envelope: errors become a message
 * in the page, never an exception.
 */

let state: AppState | null = null;
let pickedContractId: string | null = null;
let pendingDelete: ScreenshotView | null = null;
let noticed: ScreenshotView | null = null;
/** "Sign in again" was clicked: the form shows while the account stays signed in (and tracking goes on). */
let signingInAgain = false;
/** The contract whose weeks the page asked for last: another pick (or the first one signed in) asks for its week now. */
let weeksAskedFor: string | null = null;

const hooks = {
  selectedContractId: () => pickedContractId,
  signingInAgain: () => signingInAgain,
  onDeleteRequest: (shot: ScreenshotView) => askDelete(shot),
  onOpenSettings: (pane: PermissionPane) => {
    const api = worktraceApi();
    if (api) void call(api, 'permissions:open-settings', { pane }, button(`open-settings-${pane}`));
  },
  onRemovePrivateRule: (rule: PrivateWindowRule) => {
    const api = worktraceApi();
    if (api) void call(api, 'privacy:remove', { kind: rule.kind, pattern: rule.pattern });
  },
};

function apply(next: AppState): void {
  state = next;
  renderState(next, hooks);
  // A noticed screenshot that is gone (deleted here or refused by the server) takes its notice with it.
  if (noticed && !next.recentScreenshots.some((s) => s.id === noticed?.id)) hideNotice();
  followPickedContract(next);
}

/** The Weeks view follows the contract picked above: its week running now, once per pick. */
function followPickedContract(next: AppState): void {
  const api = worktraceApi();
  const contractId = next.account ? byId<HTMLSelectElement>('contract').value : '';
  if (contractId === '') weeksAskedFor = null;
  if (!api || contractId === '' || contractId === weeksAskedFor) return;
  weeksAskedFor = contractId;
  void call(api, 'weeks:show', { contractId, week: null });
}

/** Saves the timesheet of the weeks chosen (by default the week shown); main fetches it and asks where. */
function saveTimesheet(api: WorktraceApi, format: 'csv' | 'pdf'): void {
  const shown = state?.weeks;
  if (!shown) return;
  const from = byId<HTMLInputElement>('export-from').value || shown.week;
  const to = byId<HTMLInputElement>('export-to').value || from;
  void call(api, 'timesheet:save', { contractId: shown.contractId, from, to, format }, button(`export-${format}`));
}

/** Another week of the contract shown: `days` from the one shown (0: the same week again, fetched afresh). */
function showOtherWeek(api: WorktraceApi, days: number, from: HTMLButtonElement): void {
  const shown = state?.weeks;
  if (shown) void call(api, 'weeks:show', { contractId: shown.contractId, week: shiftDateKey(shown.week, days) }, from);
}

function showError(message: string | null): void {
  const element = byId('error');
  setText(element, message ?? '');
  show(element, message !== null);
}

async function call<C extends InvokeChannel>(api: WorktraceApi, channel: C, request: InvokeRequest<C>, button?: HTMLButtonElement): Promise<boolean> {
  if (button) button.disabled = true;
  let answer: Envelope<AppState>;
  try {
    answer = await api.invoke(channel, request);
  } catch {
    answer = { ok: false, error: { code: 'IPC_FAILED', message: 'The app did not answer. Try again; if it keeps failing, restart Worktrace.' } };
  } finally {
    if (button) button.disabled = false;
  }
  if (!answer.ok) {
    showError(answer.error.message);
    return false;
  }
  showError(null);
  apply(answer.value);
  return true;
}

function showNotice(shot: ScreenshotView): void {
  noticed = shot;
  byId<HTMLImageElement>('shot-notice-image').src = safeImageSource(shot.thumbnail);
  const hidden = hiddenWindowsWords(shot.redactedWindows);
  setText(
    byId('shot-notice-text'),
    `Taken at ${clockTime(shot.takenAt)}${shot.blurred ? ', blurred on this computer' : ''}.${hidden ? ` ${hidden}.` : ''} Delete it if it shows something private.`,
  );
  show(byId('shot-notice'), true);
}

function hideNotice(): void {
  noticed = null;
  show(byId('shot-notice'), false);
}

function askDelete(shot: ScreenshotView): void {
  pendingDelete = shot;
  const contract = state?.contracts.find((c) => c.id === (state?.tracking.contractId ?? pickedContractId));
  setText(byId('delete-dialog-text'), deleteWarning(contract ? contract.segmentSeconds / 60 : null));
  byId<HTMLDialogElement>('delete-dialog').showModal();
  byId('delete-cancel').focus(); // the safe choice is the default one
}

function wire(api: WorktraceApi): void {
  byId<HTMLFormElement>('sign-in-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const read = (id: string) => byId<HTMLInputElement>(id).value.trim();
    const password = byId<HTMLInputElement>('password');
    const request = { serverUrl: read('server-url'), email: read('email'), password: password.value };
    void call(api, 'auth:sign-in', request, button('sign-in-button')).then((ok) => {
      if (!ok) return;
      password.value = ''; // the password never lingers in the page
      signingInAgain = false;
      if (state) apply(state);
    });
  });
  byId('sign-out').addEventListener('click', () => void call(api, 'auth:sign-out', {}, button('sign-out')));
  // Asked once, the safe choice focused: it ends the person's sign-ins on every device.
  const everywhereDialog = byId<HTMLDialogElement>('everywhere-dialog');
  byId('sign-out-everywhere').addEventListener('click', () => {
    if (!state?.account) return;
    setText(byId('everywhere-dialog-text'), everywhereQuestion(state.account));
    everywhereDialog.showModal();
    byId('everywhere-cancel').focus();
  });
  byId('everywhere-cancel').addEventListener('click', () => everywhereDialog.close());
  byId('everywhere-confirm').addEventListener('click', () => {
    everywhereDialog.close();
    void call(api, 'auth:sign-out-everywhere', {}, button('sign-out-everywhere'));
  });
  // No sign-out first: signing in again as the same account keeps tracking, as the banner promises.
  byId('sign-in-again-button').addEventListener('click', () => {
    if (state?.account) byId<HTMLInputElement>('server-url').value = state.account.serverUrl;
    if (state?.account) byId<HTMLInputElement>('email').value = state.account.email;
    signingInAgain = true;
    if (state) apply(state);
    byId('password').focus();
  });
  byId<HTMLSelectElement>('contract').addEventListener('change', (event) => {
    pickedContractId = (event.target as HTMLSelectElement).value;
    if (state) apply(state);
  });
  byId('refresh-contracts').addEventListener('click', () => void call(api, 'contracts:refresh', {}, button('refresh-contracts')));
  byId('start').addEventListener('click', () => {
    const contractId = byId<HTMLSelectElement>('contract').value;
    const memo = byId<HTMLInputElement>('memo').value.trim();
    void call(api, 'tracking:start', { contractId, memo: memo === '' ? null : memo }, button('start'));
  });
  byId('stop').addEventListener('click', () => void call(api, 'tracking:stop', {}, button('stop')));
  byId<HTMLInputElement>('memo').addEventListener('change', (event) => {
    if (state?.tracking.status === 'stopped') return; // sent with Start
    const memo = (event.target as HTMLInputElement).value.trim();
    void call(api, 'tracking:set-memo', { memo: memo === '' ? null : memo });
  });
  byId('sync-now').addEventListener('click', () => void call(api, 'sync:now', {}, button('sync-now')));
  // Every parked item now (they are also tried again on their own, every few hours).
  byId('sync-retry-parked').addEventListener('click', () => void call(api, 'sync:retry-parked', {}, button('sync-retry-parked')));
  byId<HTMLFormElement>('privacy-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const pattern = byId<HTMLInputElement>('privacy-pattern');
    const kind = byId<HTMLSelectElement>('privacy-kind').value === 'app' ? 'app' : 'title';
    void call(api, 'privacy:add', { kind, pattern: pattern.value }, button('privacy-add')).then((ok) => {
      if (ok) pattern.value = '';
    });
  });
  byId<HTMLInputElement>('privacy-keep-app-names').addEventListener('change', (event) => {
    void call(api, 'privacy:keep-app-names', { enabled: (event.target as HTMLInputElement).checked });
  });

  byId('shot-notice-delete').addEventListener('click', () => {
    if (noticed) askDelete(noticed);
  });
  byId('shot-notice-close').addEventListener('click', hideNotice);
  byId('delete-cancel').addEventListener('click', () => byId<HTMLDialogElement>('delete-dialog').close());
  byId('delete-confirm').addEventListener('click', () => {
    const shot = pendingDelete;
    byId<HTMLDialogElement>('delete-dialog').close();
    if (!shot) return;
    void call(api, 'screenshots:delete', { id: shot.id }).then((ok) => {
      if (ok && noticed?.id === shot.id) hideNotice();
    });
  });
  byId('weeks-previous').addEventListener('click', () => showOtherWeek(api, -7, button('weeks-previous')));
  byId('weeks-next').addEventListener('click', () => showOtherWeek(api, 7, button('weeks-next')));
  byId('weeks-refresh').addEventListener('click', () => showOtherWeek(api, 0, button('weeks-refresh')));
  for (const format of ['csv', 'pdf'] as const) byId(`export-${format}`).addEventListener('click', () => saveTimesheet(api, format));
  byId('policy-banner-close').addEventListener('click', () => show(byId('policy-banner'), false));

  const idleDialog = byId<HTMLDialogElement>('idle-dialog');
  const decide = (decision: 'keep' | 'discard') => {
    idleDialog.close();
    void call(api, 'idle:decide', { decision });
  };
  byId('idle-keep').addEventListener('click', () => decide('keep'));
  byId('idle-discard').addEventListener('click', () => decide('discard'));

  api.on('state:changed', apply);
  api.on('screenshot:taken', showNotice);
  api.on('policy:changed', (change: EventPayload<'policy:changed'>) => {
    // Only the contract on screen: a change to another contract shows in its picker entry.
    const current = state?.tracking.contractId ?? byId<HTMLSelectElement>('contract').value;
    if (change.contractId !== current) return;
    setText(byId('policy-banner-text'), policyChangeWords(change));
    show(byId('policy-banner'), true);
  });
  api.on('idle:prompt', (prompt: EventPayload<'idle:prompt'>) => {
    setText(byId('idle-dialog-text'), idleWords(prompt));
    if (!idleDialog.open) idleDialog.showModal();
    byId('idle-keep').focus();
  });
}

async function boot(): Promise<void> {
  const api = worktraceApi();
  if (!api) {
    showError('Worktrace could not reach its own core (no bridge). Restart the app.');
    return;
  }
  wire(api);
  await call(api, 'state:get', {});
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', () => void boot());
else void boot();
