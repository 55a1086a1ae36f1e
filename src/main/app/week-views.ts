import type { Clock } from '../../shared/clock.js';
import type { ContractView, InvokeRequest, WeeksView } from '../../shared/ipc/index.js';
import type { Store } from '../store/index.js';
import type { SyncConnection } from './sync-connection.js';
import { saveTimesheet, type SaveDialogPort } from './timesheet-export.js';
import { showWeek } from './weeks.js';

/**
 * What the page's Weeks view shows: the week asked for last and the last timesheet saved, for the signed-in account.
 * The service hands in the sign-in and the contract (checked to be in the picker); this keeps what they gave.
 */
export class WeekViews {
  #weeks: WeeksView | null = null;
  #timesheetSaved: string | null = null;

  constructor(private readonly deps: { readonly clock: Pick<Clock, 'now'>; readonly saveDialog: SaveDialogPort | undefined }) {}

  async show(store: Store, signedIn: SyncConnection, contract: ContractView, request: InvokeRequest<'weeks:show'>): Promise<void> {
    const { client, credentials } = signedIn;
    const account = { server: credentials.server, userId: credentials.userId };
    this.#weeks = await showWeek({ store, client, account, clock: this.deps.clock, timeZone: contract.timeZone }, request);
  }

  async saveTimesheet(signedIn: SyncConnection, contract: ContractView, request: InvokeRequest<'timesheet:save'>): Promise<void> {
    const { client, credentials } = signedIn;
    const saved = await saveTimesheet({ client, server: credentials.server, dialog: this.deps.saveDialog, timeZone: contract.timeZone }, request);
    if (saved !== null) this.#timesheetSaved = saved;
  }

  /** Another sign-in, or none: the page asks again. */
  reset(): void {
    this.#weeks = null;
    this.#timesheetSaved = null;
  }

  view(): { weeks: WeeksView | null; timesheetSaved: string | null } {
    return { weeks: this.#weeks, timesheetSaved: this.#timesheetSaved };
  }
}
