import { randomInt } from 'node:crypto';
import { ulid } from 'ulid';
import {
  invokeChannels,
  type AppState,
  type ContractView,
  type Envelope,
  type EventChannel,
  type EventPayload,
  type InvokeChannel,
  type InvokeRequest,
  type SensorRow,
} from '../../shared/ipc/index.js';
import type { RedactionReport } from '../../shared/privacy/index.js';
import { isoFromMs } from '../../shared/time/index.js';
import type { Logger } from '../log.js';
import { databasePath, openStore, type Store } from '../store/index.js';
import { SyncError, endReplacedSignIn, toUserError, type Credentials, type PassReport } from '../sync/index.js';
import { DEFAULT_IDLE_THRESHOLD_MS } from '../tracking/index.js';
import { ContractsCache } from './contracts.js';
import { DiskNotice } from './disk-notice.js';
import { disputeViews } from './disputes.js';
import { noPermissionNotices, openPermissionSettings } from './desktop-permissions.js';
import { AppError, badRequestMessage, toIpcError } from './errors.js';
import { refuseAnotherAccount, refuseAnotherUser, signInToServer, signOutEverywhereOnServer, signOutOfServer } from './sign-in.js';
import { AppEvents } from './events.js';
import { IdlePrompt } from './idle-prompt.js';
import { changePrivacy, privacyView, type PrivacyChannel } from './private-windows.js';
import { SyncConnection } from './sync-connection.js';
import { SyncStatus } from './sync-status.js';
import { Thumbnails } from './thumbnails.js';
import { LiveTotals } from './totals.js';
import { TrackingSession, segmentView } from './tracking-session.js';
import type { AppServiceDeps } from './types.js';
import { WeekViews } from './week-views.js';

const LAUNCH_AT_LOGIN_KEY = 'app.launchAtLogin';
const RECENT_SCREENSHOTS = 12;
const secureRandom = (): number => randomInt(0, 2 ** 47) / 2 ** 47;

/**
 * The desktop app's application service: the agent core behind the IPC contract. It answers every invoke with an
 * Envelope<AppState> and never throws from invoke(); Electron is not imported here (see README.md).
 */
export class AppService {
  readonly #deps: AppServiceDeps;
  readonly #log: Logger;
  readonly #events = new AppEvents();
  #store: Store | null = null;
  #thumbnails: Thumbnails | null = null;
  #totals: LiveTotals | null = null;
  #signedIn: SyncConnection | null = null;
  #session: TrackingSession | null = null;
  #memo: string | null = null;
  /** The sensors' report of the last session that ran (shown while stopped). */
  #lastSensors: SensorRow[] = [];
  /** How the last session's capturer kept private windows out (shown while stopped). */
  #lastRedaction: RedactionReport | null = null;
  /** Why the last session stopped on its own (its contract paused or ended), until tracking starts again. */
  #contractStopped: string | null = null;
  /** The Weeks view's week and the last timesheet saved, until another sign-in or sign-out. */
  readonly #weekViews: WeekViews;
  /** What the last sign-out everywhere did, shown while signed out. */
  #signedOut: string | null = null;
  readonly #sync = new SyncStatus();
  readonly #disk: DiskNotice;
  readonly #idle = new IdlePrompt(this.#events);
  #closing = false;
  /** Invokes run one after another: two quick clicks on Start must not build two trackers. */
  #queue: Promise<unknown> = Promise.resolve();

  constructor(deps: AppServiceDeps) {
    this.#deps = deps;
    this.#log = deps.logger.child({ subsystem: 'app' });
    this.#disk = new DiskNotice(deps.dataDir, this.#log);
    this.#weekViews = new WeekViews({ clock: deps.clock, saveDialog: deps.saveDialog });
  }

  /** Opens the store; when signed in, starts uploading and refreshes the contracts (offline: the cached list). */
  async open(): Promise<void> {
    const store = (this.#deps.openStore ?? openStore)({ file: databasePath(this.#deps.dataDir), clock: this.#deps.clock, mode: 'server' });
    this.#store = store;
    this.#thumbnails = new Thumbnails(store.screenshots, this.#deps.keys);
    this.#totals = new LiveTotals(store.segments);
    let credentials: Credentials | null = null;
    try {
      credentials = this.#deps.credentials.read();
    } catch (error) {
      this.#sync.failed(error);
    }
    if (credentials) {
      this.#connect(credentials);
      await this.#refreshContracts().catch((error: unknown) => this.#noteFailure(error));
    }
  }

  on<C extends EventChannel>(channel: C, listener: (payload: EventPayload<C>) => void): () => void {
    return this.#events.on(channel, listener);
  }

  /** Validates the channel and the request, runs it, and answers with the state; never throws. */
  invoke(channel: unknown, request: unknown): Promise<Envelope<AppState>> {
    const run = this.#queue.then(() => this.#invoke(channel, request));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #invoke(channel: unknown, request: unknown): Promise<Envelope<AppState>> {
    try {
      if (typeof channel !== 'string' || !Object.hasOwn(invokeChannels, channel)) {
        throw new AppError('UNKNOWN_CHANNEL', 'Worktrace does not know this action.');
      }
      const name = channel as InvokeChannel;
      const parsed = invokeChannels[name].safeParse(request ?? {});
      if (!parsed.success) throw new AppError('BAD_REQUEST', badRequestMessage(parsed.error));
      await this.#handle(name, parsed.data as InvokeRequest<typeof name>);
      this.#totals?.invalidate(); // an action may have changed recorded time (a deletion, a stop)
      const state = await this.state();
      this.#publish(state);
      return { ok: true, value: state };
    } catch (error) {
      if (!(error instanceof AppError) && !(error instanceof SyncError)) this.#log.error({ err: error, channel: String(channel).slice(0, 64) }, 'invoke failed');
      this.#emitState(); // a failure may change what the UI shows (offline, sign in again)
      return { ok: false, error: toIpcError(error) };
    }
  }

  async #handle<C extends InvokeChannel>(channel: C, request: InvokeRequest<C>): Promise<void> {
    switch (channel) {
      case 'auth:sign-in':
        return this.#signIn(request as InvokeRequest<'auth:sign-in'>);
      case 'auth:sign-out':
        return this.#signOut();
      case 'auth:sign-out-everywhere':
        return this.#signOutEverywhere();
      case 'state:get':
        return;
      case 'contracts:refresh':
        this.#requireSignedIn();
        return this.#refreshContracts().catch((error: unknown) => {
          this.#noteFailure(error);
          throw error;
        });
      case 'tracking:start':
        return this.#start(request as InvokeRequest<'tracking:start'>);
      case 'tracking:stop':
        return this.#stop();
      case 'tracking:set-memo':
        return this.#setMemo((request as InvokeRequest<'tracking:set-memo'>).memo);
      case 'screenshots:delete':
        return this.#deleteScreenshot((request as InvokeRequest<'screenshots:delete'>).id);
      case 'idle:decide':
        return this.#idle.decide((request as InvokeRequest<'idle:decide'>).decision);
      case 'settings:launch-at-login':
        return this.#setLaunchAtLogin((request as InvokeRequest<'settings:launch-at-login'>).enabled);
      case 'sync:now':
        return this.#syncNow((uploader) => uploader.runPass({ everything: true }));
      case 'sync:retry-parked':
        return this.#syncNow((uploader) => uploader.retryParked());
      case 'permissions:open-settings':
        return openPermissionSettings(this.#deps.permissions, (request as InvokeRequest<'permissions:open-settings'>).pane);
      case 'privacy:add':
      case 'privacy:remove':
      case 'privacy:keep-app-names':
        return changePrivacy(this.#requireStore(), channel, request as InvokeRequest<PrivacyChannel>);
      case 'weeks:show':
        return this.#showWeek(request as InvokeRequest<'weeks:show'>);
      case 'timesheet:save':
        return this.#saveTimesheet(request as InvokeRequest<'timesheet:save'>);
    }
  }

  // ---- actions ----------------------------------------------------------------------------------------------

  /**
   * Signing in again as the account signed in now (same server, same email) keeps tracking: the banner promises that
   * tracking goes on while the server refuses the old token. Another account needs tracking stopped first, since
   * the running session records under the account it started with. The sign-in replaced is ended on its server.
   */
  async #signIn(request: InvokeRequest<'auth:sign-in'>): Promise<void> {
    const replaced = this.#signedIn?.credentials ?? null;
    const tracking = this.#session ? replaced : null;
    if (tracking) refuseAnotherAccount(tracking, request);
    const credentials = await signInToServer(request);
    if (tracking) await refuseAnotherUser(tracking, credentials);
    await this.#disconnect();
    this.#deps.credentials.write(credentials);
    this.#sync.reset();
    this.#weekViews.reset(); // the page asks again, as this sign-in
    this.#signedOut = null;
    this.#log.info({ server: credentials.server, userId: credentials.userId }, 'signed in');
    this.#connect(credentials);
    await this.#session?.useClient(this.#requireSignedIn().client);
    await this.#refreshContracts().catch((error: unknown) => this.#noteFailure(error));
    // Once nothing here uses the replaced token any more, its server ends it (best effort, said when it fails).
    const notEnded = await endReplacedSignIn(replaced);
    if (notEnded) this.#sync.note(notEnded);
  }

  /**
   * Signing out stops tracking (the minute is saved) and asks the server to revoke the token (best effort: offline,
   * the token is forgotten here all the same and the sync view says so); recorded time stays queued for the next
   * sign-in of this account.
   */
  async #signOut(): Promise<void> {
    const credentials = this.#signedIn?.credentials ?? null;
    await this.#stop();
    await this.#disconnect();
    const notTold = await signOutOfServer(credentials);
    this.#deps.credentials.clear();
    this.#forgetAccount(credentials);
    this.#sync.reset(notTold);
  }

  /**
   * Sign out everywhere (a lost laptop, a shared browser): the server ends every sign-in of the person, this one
   * included, and this computer signs out as on a normal sign-out (tracking stops with its minute saved; recorded time
   * stays queued for this account's next sign-in). Offline it still signs out here and says the others were not ended.
   */
  async #signOutEverywhere(): Promise<void> {
    const { credentials } = this.#requireSignedIn();
    await this.#stop();
    await this.#disconnect();
    const words = await signOutEverywhereOnServer(credentials);
    this.#deps.credentials.clear();
    this.#forgetAccount(credentials);
    this.#sync.reset();
    this.#signedOut = words;
  }

  async #start(request: InvokeRequest<'tracking:start'>): Promise<void> {
    const signedIn = this.#requireSignedIn();
    const store = this.#requireStore();
    if (this.#session) {
      if (this.#session.contractId === request.contractId) return this.#setMemo(request.memo);
      throw new AppError('ALREADY_TRACKING', 'Stop tracking the current contract before you start another.');
    }
    const contract = this.#contract(request.contractId);
    if (!contract.trackable) throw new AppError('CONTRACT_NOT_ACTIVE', `“${contract.name}” cannot be tracked: ${contract.whyNot ?? 'it is not active'}.`);
    this.#memo = request.memo;
    this.#contractStopped = null;
    const { clock, logger } = this.#deps;
    // Stopped as the Stop button would (the minute is saved); the page says why until tracking starts again.
    const stopForContract = (reason: string) => {
      this.#contractStopped = `Tracking stopped: “${contract.name}” ${reason.replace(/^it /, '')}. What was recorded is kept.`;
      this.#updateContractPolicy(request.contractId);
      void this.invoke('tracking:stop', {});
    };
    const session = await TrackingSession.start(
      {
        clock,
        logger,
        store,
        keys: this.#deps.keys,
        client: signedIn.client,
        sensors: this.#deps.sensors(),
        decideIdle: (stretch) => this.#idle.ask(stretch, this.#closing),
        random: this.#deps.random ?? secureRandom,
        newId: this.#deps.newId ?? ulid,
        totals: this.#requireTotals(),
      },
      {
        contractId: request.contractId,
        memo: request.memo,
        idleThresholdMs: this.#deps.idleThresholdMs ?? DEFAULT_IDLE_THRESHOLD_MS,
        onPolicyChange: ({ from, to, at }) => {
          this.#events.emit('policy:changed', { contractId: request.contractId, from, to, at: isoFromMs(at) });
          this.#updateContractPolicy(request.contractId);
          this.#emitState();
        },
        onShownChange: () => this.#emitState(),
        onNotTrackable: (reason) => {
          if (this.#session?.contractId === request.contractId) stopForContract(reason);
        },
      },
    );
    this.#sync.started(session.startOutcome !== 'unreachable');
    this.#session = session;
    // A pause heard while the session was being built (before it was this.#session) is acted on now.
    const verdict = session.policy.verdict();
    if (!verdict.trackable) stopForContract(verdict.reason);
    const { tracker } = session;
    for (const event of ['segmentOpened', 'minuteFlushed', 'idleEnded'] as const) tracker.on(event, () => this.#emitState());
    tracker.on('screenshotTaken', ({ screenshotId }) => void this.#announceScreenshot(screenshotId));
    // From a full disk's give-up on, time would be lost without anyone knowing: stop, as the Stop button would.
    this.#disk.watch(tracker, { changed: () => this.#emitState(), stopTracking: () => void this.invoke('tracking:stop', {}) });
  }

  async #stop(): Promise<void> {
    const session = this.#session;
    if (!session) return;
    this.#lastSensors = session.sensorReport();
    this.#lastRedaction = session.redaction();
    this.#idle.keep(); // nobody answered: keep the time, flagged idle (nothing recorded is lost)
    this.#session = null;
    try {
      await session.stop();
    } finally {
      this.#disk.stop();
    }
  }

  /** The open segment takes the new memo at once (the tracker writes it, so it syncs), and so do the ones after. */
  #setMemo(memo: string | null): void {
    this.#memo = memo;
    this.#session?.tracker.setMemo(memo);
  }

  /** The screenshot and its segment's time go together; an open segment then credits nothing until it ends. */
  #deleteScreenshot(id: string): void {
    const store = this.#requireStore();
    const segmentId = store.screenshots.meta(id)?.segmentId;
    if (segmentId === undefined || !store.deleteScreenshotWithTime(id)) {
      throw new AppError('SCREENSHOT_NOT_FOUND', 'This screenshot is already gone.');
    }
    this.#session?.tracker.segmentTimeRemoved(segmentId);
    this.#thumbnails?.forget(id);
  }

  /** A week of a contract in the picker (the Weeks view), and its timesheet saved: WeekViews does the work. */
  #showWeek(request: InvokeRequest<'weeks:show'>): Promise<void> {
    return this.#weekViews.show(this.#requireStore(), this.#requireSignedIn(), this.#contract(request.contractId), request);
  }

  #saveTimesheet(request: InvokeRequest<'timesheet:save'>): Promise<void> {
    return this.#weekViews.saveTimesheet(this.#requireSignedIn(), this.#contract(request.contractId), request);
  }

  #setLaunchAtLogin(enabled: boolean): void {
    this.#deps.launchAtLogin?.set(enabled);
    this.#requireStore().settings.set(LAUNCH_AT_LOGIN_KEY, enabled ? '1' : '0');
  }

  /** "Sync now" (everything due) and Retry (parked items too): a pass the person waits for, and its trouble in words. */
  async #syncNow(pass: (uploader: SyncConnection['uploader']) => Promise<PassReport>): Promise<void> {
    const signedIn = this.#requireSignedIn();
    const report = await pass(signedIn.uploader);
    // A person asking for a sync now also hears of the client's disputes now, not at the next minute's check.
    if (report.stoppedBy?.reason !== 'unauthorized') await signedIn.disputes.refresh(this.#contracts().map((c) => c.id), { now: true });
    const failure = this.#sync.afterSyncNow(report, signedIn.credentials.server);
    if (failure) throw failure;
  }

  // ---- power (the Electron shell's powerMonitor) -----------------------------------------------------------

  /** The machine sleeps or the screen locks: credit up to now, then nothing until resume(). */
  suspend(): void {
    this.#session?.tracker.suspend();
    this.#emitState();
  }

  resume(): void {
    this.#session?.tracker.resume();
    this.#emitState();
  }

  /** Stops tracking (the current minute is written), the uploads, then closes the store. */
  async close(): Promise<void> {
    if (this.#closing) return;
    this.#closing = true;
    await this.#queue;
    await this.#stop();
    await this.#disconnect();
    this.#store?.close();
    this.#store = null;
    this.#totals = null;
  }

  // ---- state ------------------------------------------------------------------------------------------------

  async state(): Promise<AppState> {
    const store = this.#store;
    const credentials = this.#signedIn?.credentials ?? null;
    const contracts = this.#contracts();
    const now = this.#deps.clock.now();
    const snapshot = this.#session?.tracker.snapshot() ?? null;
    const totals = this.#totals?.current(now, this.#session?.tracker.unwrittenMinutes() ?? []) ?? { todayMs: 0, weekMs: 0 };
    return {
      account: credentials ? { email: credentials.email, serverUrl: credentials.server } : null,
      contracts,
      tracking: {
        status: snapshot?.status ?? 'stopped',
        contractId: this.#session?.contractId ?? null,
        memo: snapshot?.memo ?? this.#memo,
        todayMs: totals.todayMs,
        weekMs: totals.weekMs,
        segment: segmentView(snapshot?.segment ?? null),
        diskFull: this.#disk.view(snapshot?.unsavedMinutes ?? 0),
        contractStopped: this.#contractStopped,
      },
      recentScreenshots: (await this.#thumbnails?.recent(RECENT_SCREENSHOTS).catch(() => [])) ?? [],
      sync: this.#sync.view(store, contracts.map((c) => c.id), credentials, now),
      launchAtLogin: this.#deps.launchAtLogin?.get() ?? store?.settings.get(LAUNCH_AT_LOGIN_KEY) === '1',
      permissions: this.#deps.permissions?.current() ?? noPermissionNotices(),
      sensors: this.#session?.sensorReport() ?? this.#lastSensors,
      privacy: privacyView(store, this.#session?.redaction() ?? this.#lastRedaction),
      disputes: disputeViews(this.#signedIn?.disputes.current() ?? [], contracts),
      ...(this.#signedIn ? this.#weekViews.view() : { weeks: null, timesheetSaved: null }),
      signedOut: this.#signedIn ? null : this.#signedOut,
    };
  }

  #emitState(): void {
    if (this.#closing || !this.#events.has('state:changed')) return;
    void this.state()
      .then((state) => this.#publish(state))
      .catch((error: unknown) => this.#log.warn({ err: error }, 'state for the UI failed'));
  }

  #publish(state: AppState): void {
    this.#sync.shown(state.sync);
    this.#events.emit('state:changed', state);
  }

  /**
   * After a background pass, the page hears of it when what its sync panel shows changed, or when the pass deleted
   * copies of screenshots that are gone on the server (they leave the recent screenshots).
   */
  #afterPass(connection: SyncConnection, report: PassReport, disputesChanged: boolean): void {
    if (this.#closing || this.#signedIn !== connection) return;
    try {
      const view = () => this.#sync.view(this.#store, this.#contracts().map((c) => c.id), connection.credentials, this.#deps.clock.now());
      if (this.#sync.afterPass(report, view) || report.removedOnServer > 0 || disputesChanged) this.#emitState();
    } catch (error) {
      this.#log.warn({ err: error }, 'sync view after a pass failed');
    }
  }

  async #announceScreenshot(id: string): Promise<void> {
    try {
      const view = await this.#thumbnails?.view(id);
      if (view) this.#events.emit('screenshot:taken', view);
    } catch (error) {
      this.#log.warn({ err: error }, 'screenshot thumbnail failed');
    }
    this.#emitState();
  }

  // ---- the signed-in services -------------------------------------------------------------------------------

  #connect(credentials: Credentials): void {
    const { clock, logger, keys } = this.#deps;
    const connection: SyncConnection = new SyncConnection(
      { store: this.#requireStore(), keys, clock, logger },
      credentials,
      {
        onUnauthorized: () => {
          this.#sync.tokenRefused();
          this.#emitState();
        },
        passAllowed: () => !this.#sync.signInAgain && !this.#closing,
        afterPass: (report, disputesChanged) => this.#afterPass(connection, report, disputesChanged),
        contractIds: () => this.#contracts().map((c) => c.id),
      },
      this.#deps.syncIntervalMs,
    );
    this.#signedIn = connection;
    if (Date.parse(credentials.expiresAt) <= clock.now()) this.#sync.tokenRefused();
  }

  async #disconnect(): Promise<void> {
    const signedIn = this.#signedIn;
    this.#signedIn = null;
    await signedIn?.close();
  }

  async #refreshContracts(): Promise<void> {
    const signedIn = this.#requireSignedIn();
    const store = this.#requireStore();
    let contracts;
    try {
      contracts = await signedIn.client.contracts();
    } catch (error) {
      throw toUserError(error, signedIn.credentials.server);
    }
    new ContractsCache(store).replace(contracts);
    this.#sync.reached();
  }

  #updateContractPolicy(contractId: string): void {
    const policy = this.#session?.policy.policy();
    if (policy && this.#store) new ContractsCache(this.#store).updatePolicy(contractId, policy);
  }

  #contract(contractId: string): ContractView {
    const contract = this.#contracts().find((c) => c.id === contractId);
    if (!contract) throw new AppError('CONTRACT_NOT_FOUND', 'This contract is not in your list: refresh the contracts and pick one.');
    return contract;
  }

  /** Signed out: what this computer kept of the account's diary (contracts, cached weeks) goes with the sign-in. */
  #forgetAccount(credentials: Credentials | null): void {
    this.#weekViews.reset();
    if (!this.#store) return;
    new ContractsCache(this.#store).clear();
    if (credentials) this.#store.weekReviews.forgetAccount({ server: credentials.server, userId: credentials.userId });
  }

  #contracts(): ContractView[] {
    return this.#signedIn && this.#store ? new ContractsCache(this.#store).list() : [];
  }

  #noteFailure(error: unknown): void {
    this.#log.warn({ code: this.#sync.failed(error) }, 'server request failed');
  }

  #requireSignedIn(): SyncConnection {
    if (!this.#signedIn) throw new AppError('NOT_SIGNED_IN', 'You are not signed in: sign in first.');
    return this.#signedIn;
  }

  #requireTotals(): LiveTotals {
    if (!this.#totals) throw new AppError('INTERNAL', 'Worktrace is still starting or already closing: try again in a moment.');
    return this.#totals;
  }

  #requireStore(): Store {
    if (!this.#store) throw new AppError('INTERNAL', 'Worktrace is still starting or already closing: try again in a moment.');
    return this.#store;
  }
}

