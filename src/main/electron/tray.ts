import type { MenuItemConstructorOptions } from 'electron';
import type { AppState } from '../../shared/ipc/index.js';
import type { TrayIconState } from './tray-icon.js';

export interface TrayActions {
  start(contractId: string): void;
  stop(): void;
  open(): void;
  quit(): void;
  setLaunchAtLogin(enabled: boolean): void;
}

/** Offline wins over tracking: the person should see that uploads wait; the menu still says time is tracked. */
export function trayIconState(state: AppState): TrayIconState {
  if (state.account && (!state.sync.online || state.sync.signInAgain)) return 'offline';
  return state.tracking.status === 'running' ? 'tracking' : 'paused';
}

export function formatElapsed(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  return `${Math.floor(minutes / 60)}:${String(minutes % 60).padStart(2, '0')}`;
}

/** The contract Start resumes: the one tracked last, else the only/first in the list. */
export function startableContract(state: AppState, lastContractId: string | null): string | null {
  // Only what can be tracked: a paused or ended contract is not offered (the window says why).
  const trackable = state.contracts.filter((c) => c.trackable);
  if (lastContractId && trackable.some((c) => c.id === lastContractId)) return lastContractId;
  return trackable[0]?.id ?? null;
}

export function trayTooltip(state: AppState): string {
  const today = formatElapsed(state.tracking.todayMs);
  switch (state.tracking.status) {
    case 'running':
      return `Worktrace — tracking, ${today} today`;
    case 'suspended':
      return `Worktrace — paused while the computer sleeps or is locked, ${today} today`;
    case 'stopped':
      return `Worktrace — not tracking, ${today} today`;
  }
}

export function trayMenuTemplate(state: AppState, lastContractId: string | null, actions: TrayActions): MenuItemConstructorOptions[] {
  const tracking = state.tracking.status !== 'stopped';
  const contract = tracking ? state.tracking.contractId : startableContract(state, lastContractId);
  const name = state.contracts.find((c) => c.id === contract)?.name ?? null;
  const items: MenuItemConstructorOptions[] = [
    { id: 'elapsed', label: `Today ${formatElapsed(state.tracking.todayMs)} · this week ${formatElapsed(state.tracking.weekMs)}`, enabled: false },
  ];
  if (tracking) {
    items.push({ id: 'stop', label: name ? `Stop tracking ${name}` : 'Stop tracking', click: () => actions.stop() });
  } else {
    items.push({
      id: 'start',
      label: name ? `Start tracking ${name}` : 'Start tracking (sign in and pick a contract first)',
      enabled: contract !== null,
      click: () => {
        if (contract) actions.start(contract);
      },
    });
  }
  if (state.account && !state.sync.online) items.push({ id: 'offline', label: 'Offline: uploads wait until the server is reachable', enabled: false });
  if (state.sync.signInAgain) items.push({ id: 'sign-in-again', label: 'Sign in again…', click: () => actions.open() });
  items.push(
    { type: 'separator' },
    { id: 'open', label: 'Open Worktrace', click: () => actions.open() },
    { id: 'launch-at-login', label: 'Open at login', type: 'checkbox', checked: state.launchAtLogin, click: (item) => actions.setLaunchAtLogin(item.checked) },
    { type: 'separator' },
    { id: 'quit', label: 'Quit Worktrace', click: () => actions.quit() },
  );
  return items;
}
