/**
 * `npx tsx server/bench/diary-totals.ts [--segments 52560] [--runs 20]`: what summing a diary window costs now
 * that the totals come from the shared rule (src/shared/diary/totals.ts, read a page of light rows at a time by
 * domain/totals.ts) instead of a SUM in SQL. Both paths run side by side on one SQLite file holding a year of
 * ten-minute segments (52 560 by default) of one contract; prints the median time per window of a week and of
 * the whole year, and the ratio. Absolute numbers are noise on a shared machine; the ratio is the figure.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ulid } from 'ulid';
import { contractTotals } from '../src/domain/totals.js';
import { repositoriesOver } from '../src/repository/index.js';
import { migrate } from '../src/repository/sql.js';
import { SqliteDatabase } from '../src/repository/sqlite/database.js';
import { sqliteMigrations } from '../src/repository/sqlite/migrations/index.js';
import { createContract, ensureUser } from '../src/domain/demo.js';
import { FakeClock } from '../../tests/support/fake-clock.js';

const { values: opts } = parseArgs({ options: { segments: { type: 'string', default: '52560' }, runs: { type: 'string', default: '20' } } });
const SEGMENTS = Number(opts.segments);
const RUNS = Number(opts.runs);
const WEEK = 7 * 86_400_000;

const dir = mkdtempSync(join(tmpdir(), 'wt-bench-totals-'));
try {
  const clock = new FakeClock();
  const db = new SqliteDatabase(join(dir, 'bench.db'));
  await migrate(db, sqliteMigrations, clock.now());
  const repos = repositoriesOver(db);
  const client = await ensureUser(repos, clock, { email: 'client@bench.test', password: 'bench password long', name: 'Client' });
  const freelancer = await ensureUser(repos, clock, { email: 'freelancer@bench.test', password: 'bench password long', name: 'Freelancer' });
  const start = clock.now() - SEGMENTS * 600_000;
  const contract = await createContract(repos, clock, { name: 'Bench', clientId: client.id, freelancerId: freelancer.id, segmentSeconds: 600, screenshots: 'on', retentionDays: 30, startsAt: start });
  await repos.transaction(async (tx) => {
    for (let i = 0; i < SEGMENTS; i++) {
      const at = start + i * 600_000;
      await tx.segments.insert({
        id: ulid(at),
        contractId: contract.id,
        startedAt: at,
        lengthSeconds: 600,
        trackedSeconds: 300 + (i % 300),
        idleSeconds: i % 60,
        memo: null,
        minutes: [],
        apps: [],
        policyVersion: 1,
        revision: null,
        billable: i % 7 !== 0,
        screenshotSkipped: null,
        createdAt: at,
        updatedAt: at,
      });
    }
  });

  // The path this change replaced: one SUM over the window.
  const sqlSum = async (from: number, to: number) =>
    db.get<{ tracked: number; billable: number }>(
      `SELECT SUM(tracked_seconds) AS tracked, SUM(CASE WHEN billable = 1 THEN tracked_seconds ELSE 0 END) AS billable
         FROM segments WHERE contract_id = ? AND started_at >= ? AND started_at < ?`,
      [contract.id, from, to],
    );
  const median = async (work: () => Promise<unknown>) => {
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      await work();
      times.push(performance.now() - t0);
    }
    return times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
  };
  const end = start + SEGMENTS * 600_000;
  console.log(`diary totals over ${SEGMENTS} segments (SQLite), median of ${RUNS} runs`);
  for (const [name, from] of [['a week', end - WEEK], ['the whole window', start]] as const) {
    const shared = await contractTotals(repos, contract.id, from, end);
    const sql = await sqlSum(from, end);
    if (shared.trackedSeconds !== Number(sql?.tracked) || shared.billableSeconds !== Number(sql?.billable)) throw new Error(`the two paths disagree over ${name}`);
    const ours = await median(() => contractTotals(repos, contract.id, from, end));
    const plain = await median(() => sqlSum(from, end));
    console.log(`${name.padEnd(17)} shared rule ${ours.toFixed(2).padStart(8)} ms   SQL SUM ${plain.toFixed(2).padStart(8)} ms   ratio ${(ours / plain).toFixed(1)}x`);
  }
  await repos.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
