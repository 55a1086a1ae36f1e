import type { Logger } from 'pino';
import type { Clock } from '../../../src/shared/clock.js';
import type { PasswordHasher } from '../auth/passwords.js';
import type { ServerConfig } from '../config.js';
import type { ServerKeyRing } from '../crypto/server-keys.js';
import type { PolicyEvents } from '../domain/policies.js';
import type { ContractUploadLimits } from '../domain/upload-limits.js';
import type { ScreenshotObjects } from '../domain/screenshot-objects.js';
import type { InvitationMailer } from '../mail/invitation-mailer.js';
import type { Lifecycle } from './lifecycle.js';
import type { LimitRecords } from './limit-records.js';
import type { Repositories } from '../repository/index.js';
import type { ScreenshotStorage } from '../storage/types.js';
import type { PolicyStreams } from './policy-streams.js';
import type { SignInLimits } from './sign-in-limits.js';

/** What buildServer is handed: the services, built by the caller (the CLI, a test, the benchmark). */
export interface ServerDeps {
  readonly clock: Clock;
  readonly repos: Repositories;
  readonly storage: ScreenshotStorage;
  /** The server keys that wrap each screenshot's own key (crypto/server-keys.ts). */
  readonly keys: ServerKeyRing;
  readonly logger: Logger;
  /** Shared with whoever else changes policies in this process; a fresh one by default. */
  readonly policyEvents?: PolicyEvents;
  /** Mails invitations; none: the link is only shown to the client. */
  readonly mailer?: InvitationMailer;
  /** Where the sign-in limits count (limit-records.ts); by default the database on PostgreSQL, memory on SQLite. */
  readonly limitRecords?: LimitRecords;
  /** Whether the server is shutting down (lifecycle.ts); a fresh one by default. */
  readonly lifecycle?: Lifecycle;
}

/** What every route module receives. */
export interface RouteContext {
  readonly config: ServerConfig;
  readonly clock: Clock;
  readonly repos: Repositories;
  /** Screenshot images in and out of the store, sealed. */
  readonly objects: ScreenshotObjects;
  readonly logger: Logger;
  readonly policyEvents: PolicyEvents;
  readonly limitRecords: LimitRecords;
  readonly lifecycle: Lifecycle;
  /** The open policy streams' single owner (ended on sign-out and when the server closes). */
  readonly policyStreams: PolicyStreams;
  /** Every password check goes through it: a capped queue in front of scrypt. */
  readonly passwords: PasswordHasher;
  /** Segment and screenshot uploads per contract (429 past them). */
  readonly uploadLimits: ContractUploadLimits;
  readonly mailer: InvitationMailer | null;
  /** The limits that count failed sign-ins: shared by every way in (sign-in, sign-up, invitation tokens, passwords). */
  readonly signInLimits: SignInLimits;
}
