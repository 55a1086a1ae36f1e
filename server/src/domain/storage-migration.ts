import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import { openScreenshot, rewrapScreenshotKey, sealScreenshot } from '../crypto/sealing.js';
import type { ServerKeyRing } from '../crypto/server-keys.js';
import type { Repositories, ScreenshotRow } from '../repository/index.js';
import type { ScreenshotStorage } from '../storage/types.js';

const BATCH = 200;

export interface MigrationReport {
  /** Objects copied, verified and removed from the source in this run. */
  moved: number;
  /** Of those, screenshots stored before sealing existed: sealed on their way. */
  sealed: number;
  /** Already in the target and verified (a run before this one stopped after copying): removed from the source. */
  resumed: number;
  /** Rows whose object is in neither store (or does not match its row): left as they are, listed by id. */
  missing: string[];
  /** Objects in the source that no stored screenshot refers to (deleted screenshots, uploads that lost a race): removed. */
  orphansRemoved: number;
}

/** Every stored screenshot's row, a batch at a time in id order (rows deleted meanwhile are simply not seen). */
async function* storedScreenshots(repos: Repositories): AsyncIterable<ScreenshotRow[]> {
  let after = '';
  for (;;) {
    const rows = await repos.screenshots.listStored(after, BATCH);
    if (rows.length === 0) return;
    yield rows;
    after = rows[rows.length - 1]!.id;
  }
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** Whether `object` is the screenshot `row` describes: it opens with the row's key (or, unsealed, is the image) and has its digest. */
function matches(ring: ServerKeyRing, row: ScreenshotRow, object: Buffer): boolean {
  try {
    const image = row.keyId && row.wrappedKey ? openScreenshot(ring, row.id, { keyId: row.keyId, wrapped: row.wrappedKey }, object) : object;
    return row.sha256 !== null && sha256(image) === row.sha256;
  } catch {
    return false;
  }
}

/**
 * Moves every stored screenshot from `source` to `target` under the same key: copy, read back and verify (the copy
 * opens with the row's key and has the image's digest), and only then remove it from the source. Screenshots stored
 * before sealing existed are sealed on the way (their row takes the new key in a compare-and-set, so a screenshot
 * deleted meanwhile stays deleted). Resumable: whatever a crash interrupted, the next run finds the object either
 * still only in the source (copied again, over any partial copy) or verified in the target (removed from the
 * source). Finally the source's objects that no stored screenshot refers to are removed.
 *
 * The servers must not write to `source` meanwhile (run it with them stopped, or already serving from `target`).
 */
export async function migrateStorage(deps: {
  repos: Repositories;
  keys: ServerKeyRing;
  source: ScreenshotStorage;
  target: ScreenshotStorage;
  logger: Logger;
}): Promise<MigrationReport> {
  const { repos, keys, source, target } = deps;
  const report: MigrationReport = { moved: 0, sealed: 0, resumed: 0, missing: [], orphansRemoved: 0 };
  const referenced = new Set<string>();
  for await (const rows of storedScreenshots(repos)) {
    for (const row of rows) {
      const key = row.storageKey;
      if (!key) continue;
      referenced.add(key);
      const there = await target.get(key);
      if (there && matches(keys, row, there)) {
        await source.delete(key);
        report.resumed += 1;
        continue;
      }
      const object = await source.get(key);
      if (!object || !matches(keys, row, object)) {
        report.missing.push(row.id);
        continue;
      }
      const unsealed = row.keyId === null;
      const sealed = unsealed ? sealScreenshot(keys, row.id, object) : undefined;
      const copy = sealed?.sealed ?? object;
      await target.putAt(key, copy);
      const readBack = await target.get(key);
      if (!readBack?.equals(copy)) throw new Error(`the copy of screenshot ${row.id} in the target store differs from what was written: stopped, nothing removed`);
      if (sealed) {
        const recorded = await repos.screenshots.replaceSealing(row.id, { storageKey: key, keyId: null }, { storageKey: key, keyId: sealed.key.keyId, wrappedKey: sealed.key.wrapped });
        if (!recorded) {
          // Deleted (or changed) while it was copied: its copy goes, and whatever the row says now stands.
          await target.delete(key);
          continue;
        }
        report.sealed += 1;
      }
      await source.delete(key);
      report.moved += 1;
    }
  }
  for await (const key of source.list()) {
    if (referenced.has(key)) continue;
    await source.delete(key);
    report.orphansRemoved += 1;
  }
  deps.logger.info({ ...report, missing: report.missing.length }, 'storage migration done');
  return report;
}

/**
 * Wraps every stored screenshot's key again under the ring's current server key (key rotation: afterwards the older
 * server keys can be dropped, and with them whatever wrapped keys linger in the database's free space, WAL or
 * backups). Objects are not touched. Returns the count per server key still in use afterwards.
 */
export async function rewrapKeys(repos: Repositories, keys: ServerKeyRing): Promise<{ rewrapped: number; inUse: { keyId: string | null; count: number }[] }> {
  const current = keys.current().id;
  let rewrapped = 0;
  for await (const rows of storedScreenshots(repos)) {
    for (const row of rows) {
      if (!row.storageKey || !row.keyId || !row.wrappedKey || row.keyId === current) continue;
      const next = rewrapScreenshotKey(keys, row.id, { keyId: row.keyId, wrapped: row.wrappedKey });
      if (await repos.screenshots.replaceSealing(row.id, { storageKey: row.storageKey, keyId: row.keyId }, { storageKey: row.storageKey, keyId: next.keyId, wrappedKey: next.wrapped })) {
        rewrapped += 1;
      }
    }
  }
  return { rewrapped, inUse: await repos.screenshots.countByServerKey() };
}
