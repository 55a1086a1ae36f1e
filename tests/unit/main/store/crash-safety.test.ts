import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { T0, makeTempDir, openTestStore, type TestDir } from './store-fixtures.js';

const WRITER = fileURLToPath(new URL('./fixtures/crash-writer.ts', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
/** Enough minutes that the kill lands while the writer is busy, whatever the machine's speed. */
const KILL_AFTER = 150;

/** Runs the writer until it has reported `count` committed minutes, then SIGKILLs it. Returns what it reported. */
function writeThenKill(file: string, count: number): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WRITER, file, String(T0)], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const committed: number[] = [];
    let pending = '';
    let stderr = '';
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => (stderr += chunk));
    child.stdout.on('data', (chunk: string) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) committed.push(Number(line.replace('committed ', '')));
      if (committed.length >= count && child.exitCode === null && !child.killed) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve(committed);
      else reject(new Error(`writer exited by itself (code ${code}): ${stderr}`));
    });
  });
}

describe('crash safety', () => {
  let dir: TestDir;
  beforeEach(() => {
    dir = makeTempDir();
  });
  afterEach(() => dir.remove());

  it('after SIGKILL in the middle of writing, every committed minute is there and the database is intact', async () => {
    const file = join(dir.path, 'worktrace.db');
    const committed = await writeThenKill(file, KILL_AFTER);
    expect(committed.length).toBeGreaterThanOrEqual(KILL_AFTER);

    // Reopening runs the full open path: header check, read-only inspection with quick_check, WAL recovery.
    const store = openTestStore(file, 'server');
    try {
      expect(store.checkIntegrity()).toEqual({ ok: true, problems: [] });
      expect(store.db.pragma('foreign_key_check')).toEqual([]);
      const stored = store.segments.list({ contractId: 'crash' }).flatMap((s) => s.minutes.map((m) => Date.parse(m.startedAt) / 1000));
      // Every minute the writer saw committed is stored; at most the one in flight beyond them.
      expect(stored.slice(0, committed.length)).toEqual(committed);
      expect(stored.length - committed.length).toBeLessThanOrEqual(1);
      // Each stored minute is whole: its app totals were written in the same transaction.
      for (const segment of store.segments.list({ contractId: 'crash' })) {
        expect(segment.apps).toHaveLength(segment.minutes.length * 20);
        expect(segment.trackedSeconds).toBe(segment.minutes.length * 60);
      }
      // The outbox survived too: each segment queued once.
      expect(store.outbox.counts().pending.segment).toBe(store.status.counts().segments);
    } finally {
      store.close();
    }
  });
});
