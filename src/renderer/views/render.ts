import type { AppState, PermissionPane, ScreenshotView } from '../../shared/ipc/contract.js';
import type { PrivateWindowRule } from '../../shared/privacy/private-windows.js';
import { byId, safeImageSource, setText, show } from '../dom.js';
import { renderDisputes } from './disputes.js';
import { renderPermissions } from './permissions.js';
import { renderPrivacy } from './privacy.js';
import { renderSensors } from './sensors.js';
import { renderWeeks } from './weeks.js';
import {
  clockTime,
  contractOption,
  elapsed,
  hiddenWindowsWords,
  parkedDetailWords,
  parkedTodoWords,
  parkedWords,
  policyWords,
  segmentWords,
  skippedWords,
  syncWords,
  unavailableWords,
} from '../words.js';

/**
 * Draws an AppState into the page. Only what changed is touched, and inputs the person is typing in are left
 * alone, so a state push every few seconds never steals focus or a half-typed memo.
 */
export interface RenderHooks {
  /** The contract picked in the select while stopped (the state only knows the one being tracked). */
  selectedContractId(): string | null;
  /** The person asked to sign in again: the form shows although an account is signed in. */
  signingInAgain(): boolean;
  onDeleteRequest(shot: ScreenshotView): void;
  /** The button of a permission notice: main opens the pane's fixed System Settings URL. */
  onOpenSettings(pane: PermissionPane): void;
  /** Remove a rule of the freelancer's private-window list. */
  onRemovePrivateRule(rule: PrivateWindowRule): void;
}

export function renderState(state: AppState, hooks: RenderHooks): void {
  const signedIn = state.account !== null;
  renderPermissions(state.permissions, (pane) => hooks.onOpenSettings(pane));
  show(byId('sign-in'), !signedIn || (hooks.signingInAgain() && state.sync.signInAgain));
  show(byId('sign-out'), signedIn);
  show(byId('sign-out-everywhere'), signedIn);
  const signedOut = state.signedOut ?? null;
  setText(byId('signed-out'), signedOut ?? '');
  show(byId('signed-out'), signedOut !== null);
  for (const id of ['work', 'weeks', 'recent', 'privacy', 'sync']) show(byId(id), signedIn);
  if (!signedIn) show(byId('sensors'), false);
  if (!signedIn) show(byId('disputes'), false);
  setText(byId('account'), state.account ? `${state.account.email} at ${state.account.serverUrl}` : 'Not signed in');
  show(byId('sign-in-again'), state.sync.signInAgain);
  const diskFull = state.tracking.diskFull?.message ?? null;
  setText(byId('disk-full'), diskFull ?? '');
  show(byId('disk-full'), diskFull !== null);
  const contractStopped = state.tracking.contractStopped ?? null;
  setText(byId('contract-stopped'), contractStopped ?? '');
  show(byId('contract-stopped'), contractStopped !== null);
  if (!signedIn) return;
  const contract = renderWork(state, hooks);
  renderRecent(state.recentScreenshots, hooks);
  renderPrivacy(state.privacy, contract, (rule) => hooks.onRemovePrivateRule(rule));
  renderSync(state);
  renderSensors(state.sensors ?? []);
  renderDisputes(state.disputes ?? []);
  renderWeeks(state.weeks ?? null, state.timesheetSaved ?? null);
}

/** Draws the work panel; returns the contract it shows. */
function renderWork(state: AppState, hooks: RenderHooks): AppState['contracts'][number] | null {
  const running = state.tracking.status !== 'stopped';
  const select = byId<HTMLSelectElement>('contract');
  // The picker offers only what can be tracked (the running one too); the others are listed below it with why not.
  const pickable = state.contracts.filter((c) => c.trackable || c.id === state.tracking.contractId);
  const picked = hooks.selectedContractId();
  const wanted = running ? state.tracking.contractId : ((picked !== null && pickable.some((c) => c.id === picked) ? picked : null) ?? pickable[0]?.id ?? null);
  const signature = pickable.map((c) => `${c.id}|${contractOption(c)}`).join('\n');
  if (select.dataset.signature !== signature) {
    select.replaceChildren(...pickable.map((c) => new Option(contractOption(c), c.id)));
    select.dataset.signature = signature;
  }
  if (wanted !== null && select.value !== wanted) select.value = wanted;
  select.disabled = running || pickable.length === 0;
  const contract = pickable.find((c) => c.id === select.value) ?? null;
  setText(
    byId('contract-policy'),
    contract
      ? `${policyWords(contract.screenshots)} · ${contract.segmentSeconds / 60}-minute segments · client ${contract.clientEmail}`
      : state.contracts.length === 0
        ? 'No contracts for this account yet.'
        : 'None of your contracts can be tracked now.',
  );
  renderUnavailable(state.contracts.filter((c) => !pickable.includes(c)));

  const memo = byId<HTMLInputElement>('memo');
  if (document.activeElement !== memo && running) memo.value = state.tracking.memo ?? '';

  show(byId('start'), !running);
  show(byId('stop'), running);
  byId<HTMLButtonElement>('start').disabled = contract === null;
  const status = state.tracking.status === 'running' ? 'Tracking' : state.tracking.status === 'suspended' ? 'Paused (computer asleep or locked)' : 'Stopped';
  setText(byId('tracking-status'), status);
  setText(byId('today'), elapsed(state.tracking.todayMs));
  setText(byId('week'), elapsed(state.tracking.weekMs));
  setText(byId('segment'), segmentWords(state.tracking.segment));
  // The open segment credits nothing after its screenshot was deleted: say so, and until when.
  const removed = state.tracking.segment?.timeRemoved?.message ?? null;
  setText(byId('segment-removed'), removed ?? '');
  show(byId('segment-removed'), removed !== null);
  const skipped = state.tracking.segment?.screenshotSkipped ?? null;
  setText(byId('segment-skipped'), skipped ? skippedWords(skipped) : '');
  show(byId('segment-skipped'), skipped !== null);
  return contract;
}

/** "Landing page: cannot be tracked, it was paused by the client." One line per contract not offered. */
function renderUnavailable(contracts: AppState['contracts']): void {
  const list = byId<HTMLUListElement>('contracts-unavailable');
  const lines = contracts.map((c) => unavailableWords(c));
  show(list, lines.length > 0);
  if (list.dataset.signature === lines.join('\n')) return;
  list.dataset.signature = lines.join('\n');
  list.replaceChildren(
    ...lines.map((line) => {
      const li = document.createElement('li');
      li.textContent = line;
      return li;
    }),
  );
}

function renderRecent(shots: readonly ScreenshotView[], hooks: RenderHooks): void {
  const list = byId<HTMLUListElement>('recent-list');
  const signature = shots.map((s) => s.id).join(',');
  show(byId('recent-empty'), shots.length === 0);
  if (list.dataset.signature === signature) return;
  list.dataset.signature = signature;
  list.replaceChildren(
    ...shots.map((shot) => {
      const item = document.createElement('li');
      item.dataset.screenshotId = shot.id;
      const image = document.createElement('img');
      image.src = safeImageSource(shot.thumbnail);
      image.alt = `Screenshot taken at ${clockTime(shot.takenAt)}${shot.blurred ? ', blurred' : ''}`;
      const caption = document.createElement('span');
      const hidden = hiddenWindowsWords(shot.redactedWindows);
      caption.textContent = `${clockTime(shot.takenAt)}${shot.blurred ? ' · blurred' : ''}${hidden ? ` · ${hidden}` : ''}`;
      const remove = document.createElement('button');
      remove.type = 'button';
      remove.className = 'danger';
      remove.textContent = 'Delete';
      remove.setAttribute('aria-label', `Delete the screenshot taken at ${clockTime(shot.takenAt)}`);
      remove.addEventListener('click', () => hooks.onDeleteRequest(shot));
      item.append(image, caption, remove);
      return item;
    }),
  );
}

function renderSync(state: AppState): void {
  setText(byId('sync-summary'), syncWords(state));
  show(byId('sync-retry-parked'), state.sync.parked.length > 0);
  const parked = byId<HTMLUListElement>('sync-parked');
  const signature = JSON.stringify(state.sync.parked);
  if (parked.dataset.signature === signature) return;
  parked.dataset.signature = signature;
  parked.replaceChildren(
    ...state.sync.parked.map((item) => {
      const li = document.createElement('li');
      const words = document.createElement('span');
      words.className = 'parked-words';
      words.textContent = parkedWords(item);
      const todo = document.createElement('span');
      todo.className = 'parked-todo';
      todo.textContent = parkedTodoWords(item);
      li.append(words, todo);
      const detail = parkedDetailWords(item);
      if (detail !== null) {
        const more = document.createElement('details');
        const summary = document.createElement('summary');
        summary.textContent = 'Details';
        const text = document.createElement('p');
        text.className = 'muted';
        text.textContent = detail;
        more.append(summary, text);
        li.append(more);
      }
      return li;
    }),
  );
}
