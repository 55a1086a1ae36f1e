import { z } from 'zod';
import { MAX_PRIVATE_RULES, privateWindowRuleSchema } from '../privacy/private-windows.js';
import { redactionReportSchema } from '../privacy/redaction.js';
import { dateSchema, weekReviewSchema } from '../protocol/api/weeks.js';
import { screenshotModeSchema } from '../protocol/policy.js';
import { MAX_REDACTED_WINDOWS, recordIdSchema, screenshotSkipReasonSchema } from '../protocol/segment.js';

/**
 * The one IPC contract between the desktop app's renderer and its main process (STYLE.md, rule 2).
 * The preload exposes these as functions (never ipcRenderer); main validates every payload with these schemas and
 * checks the sender; every answer is an envelope. Events flow main → renderer and each listener returns an
 * unsubscribe.
 */

const text = (max: number) => z.string().max(max);

// ---- requests (renderer → main), one schema per channel -------------------------------------------------------

export const signInRequestSchema = z
  .object({ serverUrl: text(2048).min(1), email: text(320).min(3), password: text(1024).min(1) })
  .strict();
export const startTrackingRequestSchema = z.object({ contractId: text(128).min(1), memo: text(2000).nullable() }).strict();
export const setMemoRequestSchema = z.object({ memo: text(2000).nullable() }).strict();
export const deleteScreenshotRequestSchema = z.object({ id: recordIdSchema }).strict();
export const idleDecisionRequestSchema = z.object({ decision: z.enum(['keep', 'discard']) }).strict();
export const launchAtLoginRequestSchema = z.object({ enabled: z.boolean() }).strict();
/** Which OS settings pane to open. Main maps it to a fixed URL: the page never names a URL itself. */
export const permissionPaneSchema = z.enum(['screen-recording', 'accessibility']);
export type PermissionPane = z.infer<typeof permissionPaneSchema>;
export const openPermissionSettingsRequestSchema = z.object({ pane: permissionPaneSchema }).strict();
/** A rule of the freelancer's own private-window list (kept on this device only). */
export const privateRuleRequestSchema = privateWindowRuleSchema;
export const keepAppNamesRequestSchema = z.object({ enabled: z.boolean() }).strict();
/** A week of a contract for the Weeks view: any date of it ("YYYY-MM-DD"), or null for the week running now. */
export const showWeekRequestSchema = z.object({ contractId: text(128).min(1), week: dateSchema.nullable() }).strict();
/** The two files a timesheet comes as (the server's GET /contracts/{id}/timesheet.csv and .pdf). */
export const timesheetFormatSchema = z.enum(['csv', 'pdf']);
export type TimesheetFormat = z.infer<typeof timesheetFormatSchema>;
/**
 * A timesheet of whole weeks saved where the person chooses: `from` names the first week and `to` the last (any date
 * of each; main widens them to Monday and Sunday in the contract's zone).
 */
export const saveTimesheetRequestSchema = z
  .object({ contractId: text(128).min(1), from: dateSchema, to: dateSchema, format: timesheetFormatSchema })
  .strict();
const noPayload = z.object({}).strict();

export const invokeChannels = {
  'auth:sign-in': signInRequestSchema,
  'auth:sign-out': noPayload,
  /** Ends every sign-in of the person on the server (DELETE /auth/tokens), then signs out here as auth:sign-out does. */
  'auth:sign-out-everywhere': noPayload,
  'state:get': noPayload,
  'contracts:refresh': noPayload,
  'tracking:start': startTrackingRequestSchema,
  'tracking:stop': noPayload,
  'tracking:set-memo': setMemoRequestSchema,
  'screenshots:delete': deleteScreenshotRequestSchema,
  'idle:decide': idleDecisionRequestSchema,
  'settings:launch-at-login': launchAtLoginRequestSchema,
  'sync:now': noPayload,
  /** Tries every parked item now (they are also retried on their own on a slow schedule). */
  'sync:retry-parked': noPayload,
  'permissions:open-settings': openPermissionSettingsRequestSchema,
  'privacy:add': privateRuleRequestSchema,
  'privacy:remove': privateRuleRequestSchema,
  'privacy:keep-app-names': keepAppNamesRequestSchema,
  /** Asks the server for a week of the contract (the cached answer when it cannot be asked) and shows it. */
  'weeks:show': showWeekRequestSchema,
  /** Fetches the timesheet file with the session, asks where to save it (main's dialog), writes the server's bytes. */
  'timesheet:save': saveTimesheetRequestSchema,
} as const;
export type InvokeChannel = keyof typeof invokeChannels;
export type InvokeRequest<C extends InvokeChannel> = z.infer<(typeof invokeChannels)[C]>;

// ---- the state the UI shows ----------------------------------------------------------------------------------

export const contractViewSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    clientEmail: z.string(),
    screenshots: screenshotModeSchema,
    segmentSeconds: z.number().int(),
    policyVersion: z.number().int(),
    /**
     * The client's private windows for this contract (painted out of screenshots like the freelancer's own); null
     * when the agent cannot read the list (then no screenshots). Optional only for older builders and caches.
     */
    privateWindows: z.array(privateWindowRuleSchema).max(MAX_PRIVATE_RULES).nullable().optional(),
    /** The contract's time zone (its weeks run Monday to Sunday there). Optional only for older caches. */
    timeZone: z.string().max(100).optional(),
    /** The contract's state in a few words ("active", "paused by the client"). */
    stateWords: z.string().max(200),
    /** Only an active contract is tracked; an unknown state is not (fail closed). */
    trackable: z.boolean(),
    /** Why it cannot be tracked, the end of a sentence ("it was paused by the client"); null when it can. */
    whyNot: z.string().max(300).nullable(),
  })
  .strict();
export type ContractView = z.infer<typeof contractViewSchema>;

export const screenshotViewSchema = z
  .object({
    id: recordIdSchema,
    segmentId: recordIdSchema,
    /** ISO 8601 UTC. */
    takenAt: z.string(),
    blurred: z.boolean(),
    /** A small JPEG as a data: URL (the CSP allows img-src data:), decrypted in main for display only. */
    thumbnail: z.string().max(200_000),
    /** Private windows painted out of it ("2 private windows hidden"); absent: none. */
    redactedWindows: z.number().int().min(0).max(MAX_REDACTED_WINDOWS).optional(),
  })
  .strict();
export type ScreenshotView = z.infer<typeof screenshotViewSchema>;

/** The most disputes the app's state carries (the newest; the dashboard's diary shows every one). */
export const MAX_DISPUTE_VIEWS = 100;

/**
 * A segment the client disputes instead of approving it: the contract, the segment's start (ISO 8601 UTC), the
 * client's note (text, never markup) and when the client wrote it.
 */
export const disputeViewSchema = z
  .object({
    contractId: z.string(),
    contractName: z.string(),
    segmentId: z.string(),
    startedAt: z.string(),
    note: z.string().max(2000),
    at: z.string(),
  })
  .strict();
export type DisputeView = z.infer<typeof disputeViewSchema>;

/**
 * The Weeks view: one week of a contract as the server reviews it (state, totals, disputes, late time, what approval
 * does to the screenshots). The figures are the server's, never the app's own sums. Offline, the last answer fetched
 * for that week is shown with when it was fetched, and `unavailable` says why the server could not be asked now.
 */
export const weeksViewSchema = z
  .object({
    contractId: z.string(),
    /** The week's Monday, "YYYY-MM-DD" (in the contract's zone). */
    week: z.string(),
    /** The server's review: fetched now, or the cached one; null when none is known. */
    review: weekReviewSchema.nullable(),
    /** When `review` was fetched (ISO 8601 UTC); null without one. */
    fetchedAt: z.string().nullable(),
    /** Why the server could not be asked just now, in words (the end of a sentence); null when `review` is fresh. */
    unavailable: z.string().max(600).nullable(),
    /** This is the week running now: there is no later one to page to. */
    current: z.boolean(),
  })
  .strict();
export type WeeksView = z.infer<typeof weeksViewSchema>;

/**
 * What the operating system withholds that Worktrace needs, one notice each (the renderer words them): macOS Screen
 * Recording (screenshots) and Accessibility (input activity) not granted; a Linux Wayland session, where the X11
 * sensors cannot see other windows. Empty when nothing is missing (always on Windows).
 */
export const desktopNoticeSchema = z.discriminatedUnion('kind', [
  z
    .object({ kind: z.literal('screen-recording'), status: z.enum(['denied', 'not-determined', 'restricted', 'unknown']) })
    .strict(),
  z.object({ kind: z.literal('accessibility') }).strict(),
  z.object({ kind: z.literal('wayland-session') }).strict(),
]);
export type DesktopNotice = z.infer<typeof desktopNoticeSchema>;
export const desktopPermissionsSchema = z.object({ notices: z.array(desktopNoticeSchema).max(3) }).strict();
export type DesktopPermissions = z.infer<typeof desktopPermissionsSchema>;

/**
 * Which backend each sensor uses and why (the sensor chooser's report, as `worktrace status` prints it): e.g.
 * screenshots through `electron-desktop-capturer`, or `unavailable` with the reason in words. The running session's, or
 * the last one's when tracking stopped; empty before the first start.
 */
export const sensorRowSchema = z
  .object({
    sensor: z.enum(['input', 'window', 'screenshots']),
    backend: z.string().max(64),
    status: z.enum(['ok', 'unavailable']),
    reason: z.string().max(2000),
  })
  .strict();
export type SensorRow = z.infer<typeof sensorRowSchema>;

export const appStateSchema = z
  .object({
    account: z.object({ email: z.string(), serverUrl: z.string() }).strict().nullable(),
    contracts: z.array(contractViewSchema),
    tracking: z
      .object({
        status: z.enum(['stopped', 'running', 'suspended']),
        contractId: z.string().nullable(),
        memo: z.string().nullable(),
        todayMs: z.number(),
        weekMs: z.number(),
        segment: z
          .object({
            startedAt: z.string(),
            activeMinutes: z.number().int(),
            trackedMinutes: z.number().int(),
            /**
             * Set while the open segment credits nothing because the freelancer deleted its screenshot (and with it
             * its time): when counting resumes (ISO 8601 UTC, the segment's end) and a sentence the UI can show.
             */
            timeRemoved: z.object({ countsAgainAt: z.string(), message: z.string() }).strict().nullable().optional(),
            /** The segment's screenshot was skipped for privacy, and why (optional only for older builders of this state). */
            screenshotSkipped: screenshotSkipReasonSchema.nullable().optional(),
          })
          .strict()
          .nullable(),
        /**
         * The disk holding Worktrace's data is full: tracking goes on time only (screenshots skipped, minutes the
         * disk refuses kept in memory) and `message` says so; null when there is room. Optional only so older
         * builders of this state still type-check; the app service always fills it.
         */
        diskFull: z.object({ unsavedMinutes: z.number().int(), message: z.string() }).strict().nullable().optional(),
        /**
         * The last session was stopped because its contract can no longer be tracked (paused or ended by a party):
         * the sentence to show, until tracking starts again. Optional only for older builders of this state.
         */
        contractStopped: z.string().max(500).nullable().optional(),
      })
      .strict(),
    recentScreenshots: z.array(screenshotViewSchema).max(50),
    sync: z
      .object({
        online: z.boolean(),
        pendingSegments: z.number().int(),
        pendingScreenshots: z.number().int(),
        /**
         * Items the server refuses for now: `error` says why in words (the end of a sentence), `todo` what the person
         * can do (a sentence), `retryAt` when it is tried again on its own (ISO 8601 UTC; null: at the next pass), and
         * `detail` the server's answer as received, for a person who wants it. All but kind and error are optional
         * only for older builders of this state.
         */
        parked: z.array(
          z
            .object({ kind: z.string(), error: z.string(), todo: z.string().optional(), retryAt: z.string().nullable().optional(), detail: z.string().optional() })
            .strict(),
        ),
        lastSyncAt: z.string().nullable(),
        lastError: z.string().nullable(),
        /** The server refused the token: the UI asks the person to sign in again. */
        signInAgain: z.boolean(),
        /**
         * Work recorded on this machine under other accounts (another user or server): it is not sent with this
         * sign-in, and goes when that account signs in again. Optional only so older builders of this state
         * still type-check; the app service always fills it.
         */
        waiting: z
          .array(z.object({ email: z.string(), serverUrl: z.string(), items: z.number().int() }).strict())
          .optional(),
      })
      .strict(),
    launchAtLogin: z.boolean(),
    permissions: desktopPermissionsSchema,
    /**
     * Segments the client disputes, with the client's note, newest first: the sync schedule asks the server for them.
     * Optional only so older builders of this state still type-check; the app service always fills it.
     */
    disputes: z.array(disputeViewSchema).max(MAX_DISPUTE_VIEWS).optional(),
    /** Optional only so older builders of this state still type-check; the app service always fills it. */
    sensors: z.array(sensorRowSchema).max(8).optional(),
    /**
     * The freelancer's own private windows (this device only): never in a screenshot, their titles recorded as
     * "Private". `unreadable` says why the list cannot be read (then no screenshots). `redaction`: how the screen
     * capturer of the running (else the last) session keeps private windows out, null before the first Start. Optional
     * only for older builders of this state; the app service always fills it.
     */
    privacy: z
      .object({
        rules: z.array(privateWindowRuleSchema).max(MAX_PRIVATE_RULES),
        unreadable: z.string().nullable(),
        keepAppNames: z.boolean(),
        redaction: redactionReportSchema.nullable(),
      })
      .strict()
      .optional(),
    /** The week the Weeks view shows; null until the page asks for one. Optional only for older builders of this state. */
    weeks: weeksViewSchema.nullable().optional(),
    /** The last timesheet saved, in words (where, which weeks, how big); null until one is. Optional for older builders. */
    timesheetSaved: z.string().max(5000).nullable().optional(),
    /** What the last sign-out everywhere did, in words, shown while signed out; null otherwise. Optional for older builders. */
    signedOut: z.string().max(2000).nullable().optional(),
  })
  .strict();
export type AppState = z.infer<typeof appStateSchema>;

// ---- events (main → renderer) ---------------------------------------------------------------------------------

export const eventChannels = {
  'state:changed': appStateSchema,
  'screenshot:taken': screenshotViewSchema,
  'policy:changed': z
    .object({ contractId: z.string(), from: screenshotModeSchema.nullable(), to: screenshotModeSchema, at: z.string() })
    .strict(),
  'idle:prompt': z.object({ fromAt: z.string(), toAt: z.string(), minutes: z.number().int() }).strict(),
} as const;
export type EventChannel = keyof typeof eventChannels;
export type EventPayload<C extends EventChannel> = z.infer<(typeof eventChannels)[C]>;

// ---- answers ---------------------------------------------------------------------------------------------------

export type IpcError = { readonly code: string; readonly message: string };
export type Envelope<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: IpcError };

/** What the preload exposes on window.worktrace: typed functions, nothing else. */
export interface WorktraceApi {
  invoke<C extends InvokeChannel>(channel: C, request: InvokeRequest<C>): Promise<Envelope<AppState>>;
  on<C extends EventChannel>(channel: C, listener: (payload: EventPayload<C>) => void): () => void;
}
