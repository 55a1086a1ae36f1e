import type { Migration } from '../../sql.js';
import { initial } from './001-initial.js';
import { segmentRevision } from './002-segment-revision.js';
import { screenshotStorageKeyIndex } from './003-screenshot-storage-key-index.js';
import { privateWindows } from './004-private-windows.js';
import { contractLifecycle } from './005-contract-lifecycle.js';
import { sealedScreenshotsSharedLimits } from './006-sealed-screenshots-shared-limits.js';
import { weekApprovals } from './007-week-approvals.js';
import { approvalSettings } from './008-approval-settings.js';
import { segmentDisputes } from './009-segment-disputes.js';
import { lateParts } from './010-late-parts.js';

/** Append-only: a new schema version is a new file here, never an edit of an old one. */
export const postgresMigrations: readonly Migration[] = [initial, segmentRevision, screenshotStorageKeyIndex, privateWindows, contractLifecycle, sealedScreenshotsSharedLimits, weekApprovals, approvalSettings, segmentDisputes, lateParts];
