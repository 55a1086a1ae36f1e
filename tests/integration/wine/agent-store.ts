import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import type { TestDisplay } from '../../support/display.js';
import { startProbe, type WindowsProbe } from '../../wine/support/probe-client.js';
import { NODE_WIN_22, toWindowsPath, windowsNodeExe, type WineLane } from '../../wine/support/wine-lane.js';

/**
 * The agent's store under the Windows node: tests/wine/store-probe.mjs runs under node.exe 22 (node:sqlite; the store's
 * second driver, since better-sqlite3 has no win32 binary here) and opens the store where the agent puts it on
 * Windows (%LOCALAPPDATA%\\worktrace\\Data), writes and reads it back across a restart and a kill of the Windows
 * process, and lets the tracker tick on the native Windows backends into it. Registered inside windows-core.test.ts,
 * whose lane (prefix, wineserver, display, Notepad) it shares.
 */
const STORE_PROBE = fileURLToPath(new URL('../../wine/store-probe.mjs', import.meta.url));

interface Segment {
  readonly id: string;
  readonly minutes: { readonly keyboard: number; readonly mouse: number }[];
  readonly apps: { readonly app: string; readonly title: string; readonly seconds: number }[];
  readonly trackedSeconds: number;
}
interface ReadBack {
  readonly segments: Segment[];
  readonly shots: { id: string; segmentId: string; sha256: string | null }[];
  readonly queued: { pending: Record<string, number> };
  readonly integrity: { ok: boolean; problems: string[] };
  readonly foreignKeys: unknown[];
  readonly plaintextOnDisk: boolean | null;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function agentStoreTests(lane: () => { display: TestDisplay; lane: WineLane; notepad: number }): void {
  const startStoreProbe = (): Promise<WindowsProbe> =>
    startProbe(lane().lane, { PREBUILDS_ONLY: '1' }, STORE_PROBE, toWindowsPath(windowsNodeExe(NODE_WIN_22)));

  it('opens the store in %LOCALAPPDATA% on node:sqlite, and a segment and an encrypted screenshot survive a restart', async () => {
    let probe = await startStoreProbe();
    try {
      const paths = await probe.call<{ platform: string; node: string; localAppData: string; dataDir: string; file: string }>('paths');
      expect(paths).toMatchObject({ platform: 'win32', node: expect.stringMatching(/^v22\./) });
      expect(paths.dataDir).toBe(`${paths.localAppData}\\worktrace\\Data`);
      expect(paths.file).toBe(`${paths.dataDir}\\worktrace.db`);
      await probe.call('reset');
      expect(await probe.call('open')).toEqual({
        driver: 'node:sqlite',
        userVersion: expect.any(Number),
        schemaVersion: expect.any(Number),
        journalMode: 'wal',
        integrity: { ok: true, problems: [] },
      });
      const written = await probe.call<{ segmentId: string; shotId: string; jpegSha256: string; jpegHead: string; queued: { pending: Record<string, number> } }>('write');
      expect(written.queued.pending).toMatchObject({ segment: 1, screenshot: 1 });
      await probe.call('close');
      await probe.close();

      probe = await startStoreProbe(); // a restart: another Windows process opens the same files
      const reopened = await probe.call<{ userVersion: number; schemaVersion: number; integrity: unknown }>('open');
      expect(reopened.userVersion).toBe(reopened.schemaVersion);
      const back = await probe.call<ReadBack>('read', { contractId: 'contract-wine', jpegHead: written.jpegHead });
      expect(back.segments).toHaveLength(1);
      expect(back.segments[0]).toMatchObject({ id: written.segmentId, trackedSeconds: 180 });
      expect(back.segments[0]?.minutes.map((m) => [m.keyboard, m.mouse])).toEqual([[10, 20], [11, 21], [12, 22]]);
      expect(back.shots).toEqual([{ id: written.shotId, segmentId: written.segmentId, sha256: written.jpegSha256 }]);
      expect(back.queued.pending).toMatchObject({ segment: 1, screenshot: 1 });
      expect({ integrity: back.integrity, foreignKeys: back.foreignKeys, plaintextOnDisk: back.plaintextOnDisk }).toEqual({
        integrity: { ok: true, problems: [] },
        foreignKeys: [],
        plaintextOnDisk: false,
      });
    } finally {
      await probe.call('close').catch(() => undefined);
      await probe.close();
    }
  });

  it('a Windows process killed mid-write (TerminateProcess) leaves a consistent store with every committed minute', async () => {
    const writer = await startStoreProbe();
    await writer.call('open');
    const { pid } = await writer.call<{ pid: number }>('crash.start');
    let reported = 0;
    while (reported < 120) {
      await sleep(100);
      reported = (await writer.call<{ committed: number }>('crash.progress')).committed;
    }
    // What "End task" and `taskkill /F` do on Windows: TerminateProcess, no clean-up in the process (under Wine the
    // wineserver stops its threads where they are; the Unix process's exit status is not the Windows exit code: 0 here).
    const kill = await lane().lane.run(['/F', '/PID', String(pid)], { program: 'taskkill' });
    expect(kill.code, kill.stderr).toBe(0);
    await writer.close(); // resolves once the killed process is gone

    const reader = await startStoreProbe();
    try {
      expect(await reader.call('open')).toMatchObject({ integrity: { ok: true, problems: [] } });
      const back = await reader.call<ReadBack>('read', { contractId: 'contract-crash' });
      const minutes = back.segments.reduce((sum, s) => sum + s.minutes.length, 0);
      expect(minutes).toBeGreaterThanOrEqual(reported);
      // The writer opens a segment, adds its screenshot and then its minutes, each in a transaction of its own (as the
      // tracker does): the kill may land between them, so the last segment opened may have no minute yet (and no
      // screenshot). Every other segment is whole: each minute with its two applications, and its screenshot.
      const written = back.segments.filter((s) => s.minutes.length > 0);
      const empty = back.segments.filter((s) => s.minutes.length === 0);
      expect(empty.length).toBeLessThanOrEqual(1);
      if (empty[0]) expect(empty[0].id, 'only the last segment opened may be empty').toBe(back.segments.map((s) => s.id).sort().at(-1));
      for (const segment of written) expect(segment.apps.length, segment.id).toBe(2);
      expect(back.segments.map((s) => s.trackedSeconds)).toEqual(back.segments.map((s) => s.minutes.length * 60));
      for (const segment of written) expect(back.shots.filter((shot) => shot.segmentId === segment.id), segment.id).toHaveLength(1);
      expect(back.foreignKeys).toEqual([]);
    } finally {
      await reader.call('close').catch(() => undefined);
      await reader.close();
    }
  });

  it("the tracker's ticks on the native Windows backends write Notepad's keys and window into the store", async () => {
    const { display, notepad } = lane();
    const probe = await startStoreProbe();
    try {
      await probe.call('open');
      display.run('xdotool', ['windowactivate', '--sync', String(notepad)]);
      const started = await probe.call<{ report: string[][] }>('track.start', { contractId: 'contract-track' });
      expect(started.report).toEqual([
        ['input', 'native-win32-hooks', 'ok'],
        ['window', 'native-win32', 'ok'],
        ['screenshots', 'native-gdi', 'ok'],
      ]);
      await sleep(1500);
      display.run('xdotool', ['key', '--delay', '20', ...'worktraceonwine'.split('')]);
      await sleep(2500); // a few of the tracker's one-second ticks
      const { segments } = await probe.call<{ segments: Segment[] }>('track.stop', { contractId: 'contract-track' });
      const keys = segments.flatMap((s) => s.minutes).reduce((sum, m) => sum + m.keyboard, 0);
      expect(keys).toBe(15);
      expect(segments.flatMap((s) => s.apps).some((a) => a.app === 'notepad' && a.title.endsWith(' - Notepad'))).toBe(true);
    } finally {
      await probe.call('close').catch(() => undefined);
      await probe.close();
    }
  });
}
