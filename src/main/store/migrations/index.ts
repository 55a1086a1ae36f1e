import { migration001Initial } from './001-initial.js';
import { migration002OutboxAccounts } from './002-outbox-accounts.js';
import { migration003SegmentTimeRemoved } from './003-segment-time-removed.js';
import { migration004ContractAccounts } from './004-contract-accounts.js';
import { migration005SegmentRevision } from './005-segment-revision.js';
import { migration006ScreenshotDeletions } from './006-screenshot-deletions.js';
import { migration007MinuteAppsAndSaves } from './007-minute-apps-and-saves.js';
import { migration008PrivateWindows } from './008-private-windows.js';
import { migration009WeekReviews } from './009-week-reviews.js';
import type { Migration } from './migration.js';

export type { Migration };

/** Every schema version in order. Append only; the last entry is the version this agent writes. */
export const MIGRATIONS: readonly Migration[] = [
  migration001Initial,
  migration002OutboxAccounts,
  migration003SegmentTimeRemoved,
  migration004ContractAccounts,
  migration005SegmentRevision,
  migration006ScreenshotDeletions,
  migration007MinuteAppsAndSaves,
  migration008PrivateWindows,
  migration009WeekReviews,
];

export const SCHEMA_VERSION = MIGRATIONS.length;
