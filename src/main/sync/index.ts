/**
 * Sync: the agent's side of the work-diary server. The composition root (src/main/agent/server-sync.ts) builds
 * one ApiClient from the stored credentials, a ServerPolicySource for the contract being tracked (the tracker's
 * PolicySource in server mode) and an Uploader that drains the store's outbox.
 */
export { ApiClient, type ApiClientOptions, type PolicyAnswer } from './api-client.js';
export { DEFAULT_BACKOFF, PARKED_RETRY_MAX_MS, PARKED_RETRY_MIN_MS, backoffDelay, parkedRetryDelay, type BackoffOptions } from './backoff.js';
export { CREDENTIALS_FILE_NAME, CredentialsStore, credentialsSchema, type Credentials } from './credentials.js';
export { ApiRequestError, SyncError, describeFailure, isTransient, type RequestFailure, type SyncErrorCode } from './errors.js';
export {
  ServerPolicySource,
  type PolicyChange,
  type PolicyOrigin,
  type PullOutcome,
  type ServerPolicySourceDeps,
  type ServerPolicySourceOptions,
} from './policy-source.js';
export { MAX_CLOCK_SKEW_MS, isApiAnswer, itemFate, type FateContext, type ItemFate } from './item-fate.js';
export {
  clockSkewWords,
  keyUnreadableWords,
  parkedAdvice,
  parkedReason,
  parseServerAnswer,
  spanWords,
  type ParkedAdvice,
  type ServerAnswer,
} from './item-words.js';
export { DEFAULT_DISPUTES_EVERY_MS, ServerDisputes, type KnownDispute } from './server-disputes.js';
export { checkServerUrl, isLoopbackHost } from './server-url.js';
export { endReplacedSignIn, everywhereWords, notToldWords, revokeOnServer, type ServerSignOut } from './sign-out.js';
export { SseParser, type SseEvent } from './sse-parser.js';
export { SyncStateRepository, type ContractSyncState, type SyncErrorRecord } from './sync-state.js';
export { DEFAULT_QUOTA_BYTES, Uploader, type ItemTally, type PassReport, type UploaderDeps, type UploaderOptions } from './uploader.js';
export { timeRefusalWords, toUserError } from './user-errors.js';
export { itemKindWords, parkedItemStatus, readSyncStatus, waitingWords, type ContractSyncStatus, type ParkedItemStatus, type SyncStatusReport } from './status-report.js';
