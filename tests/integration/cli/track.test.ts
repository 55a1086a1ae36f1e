import Database from 'better-sqlite3';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { segmentRecordSchema, type SegmentRecord } from '../../../src/shared/protocol/index.js';
import { assertBuilt, runCli, sleep, sleepUntilMinuteOffset, startCli, waitForOutput, type RunningCli } from '../../support/cli.js';
import { startDisplay, type TestDisplay } from '../../support/display.js';
import { filesContaining, findImageSignatures } from '../../support/files.js';

/**
 * The foundation issue's end-to-end check: the built CLI tracks real input sent by xdotool under Xvfb into its
 * SQLite queue with 60-second segments, survives kill -9, and keeps screenshots only encrypted.
 *
 *   minute:  M0 (start)   M1               M2          M3                 M4 (restarted)
 *   input:   -            10 keys 3 clicks -           5 keys + moves     3 keys
 *                         2 wheel notches              kill -9 at +40s    SIGINT at +35s
 */
const ROOT_COLOUR = { r: 0x33, g: 0x66, b: 0xcc };

describe('worktrace track --local under Xvfb', () => {
  let display: TestDisplay;
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  let running: RunningCli | undefined;
  const minuteOf = (ms: number): number => Math.floor(ms / 60_000) * 60;

  beforeAll(async () => {
    assertBuilt();
    display = await startDisplay();
    display.run('xsetroot', ['-solid', '#3366cc']);
    // A terminal full of text gives the screenshot detail (a flat screen encodes to runs of zeros).
    display.spawnClient('xterm', ['-T', 'Worktrace test terminal', '-geometry', '100x40+0+0', '-e', 'sh', '-c', 'ls -l /usr/bin | head -38; exec sh']);
    await sleep(1500);
    dataDir = mkdtempSync(join(tmpdir(), 'worktrace-track-'));
    env = { ...display.env, WORKTRACE_DATA_DIR: dataDir, CI: process.env.CI ?? '' };
  });

  afterAll(async () => {
    if (running?.child.exitCode === null) running.child.kill('SIGKILL');
    await display?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  // About five minutes of real time: the schedule above waits for wall-clock minute boundaries.
  it('records minute buckets, one screenshot per full segment, and survives kill -9', { timeout: 480_000 }, async () => {
    const args = ['track', '--local', '--contract', 'integration', '--segment-seconds', '60', '--screenshots', 'on'];
    let agent: RunningCli = startCli(args, env);
    running = agent;
    await waitForOutput(agent, /Tracking/, 30_000);
    const startMinute = minuteOf(Date.now());

    // M1: keys, clicks and wheel notches, well inside the minute.
    const m1 = minuteOf(await sleepUntilMinuteOffset(20_000, 25_000));
    display.run('xdotool', ['type', '--delay', '60', 'abcdefghij']);
    display.run('xdotool', ['click', '--repeat', '3', '--delay', '120', '1']);
    display.run('xdotool', ['click', '--repeat', '2', '--delay', '120', '4']);

    // M2: nothing. M3: keys and pointer movement, then kill -9 in the middle of that segment.
    const m3 = minuteOf(await sleepUntilMinuteOffset(20_000, 70_000));
    expect(m3).toBe(m1 + 120);
    display.run('xdotool', ['type', '--delay', '60', 'klmno']);
    for (const [x, y] of [[900, 600], [950, 650], [1000, 700]] as const) {
      display.run('xdotool', ['mousemove', String(x), String(y)]);
      await sleep(300);
    }
    await sleepUntilMinuteOffset(40_000, 0);
    agent.child.kill('SIGKILL');
    expect(await agent.exited).toBe('SIGKILL');

    // The database is intact after the kill.
    const afterKill = new Database(join(dataDir, 'worktrace.db'), { readonly: true });
    expect(afterKill.pragma('integrity_check', { simple: true })).toBe('ok');
    afterKill.close();

    // Restart, type in M4, stop with SIGINT.
    agent = startCli(args, env);
    running = agent;
    await waitForOutput(agent, /Tracking/, 30_000);
    const m4 = minuteOf(await sleepUntilMinuteOffset(20_000, 0));
    display.run('xdotool', ['type', '--delay', '60', 'pqr']);
    await sleepUntilMinuteOffset(35_000, 0);
    agent.child.kill('SIGINT');
    expect(await agent.exited).toBe(0);
    expect(agent.stdout()).toMatch(/tracked/i);

    const listed = runCli(['segments', '--json', '--contract', 'integration'], env);
    expect(listed.stderr).toBe('');
    expect(listed.status).toBe(0);
    const segments: SegmentRecord[] = segmentRecordSchema.array().parse(JSON.parse(listed.stdout));
    const byStart = new Map(segments.map((s) => [Date.parse(s.startedAt) / 1000, s]));
    const minute = (start: number) => {
      const segment = byStart.get(start);
      expect(segment, `segment at ${new Date(start * 1000).toISOString()}`).toBeDefined();
      expect(segment!.minutes).toHaveLength(1);
      return { segment: segment!, minute: segment!.minutes[0]! };
    };

    // Every minute before the kill is there, and the killed minute M3 up to its last save (at most 10 s lost).
    expect(byStart.has(startMinute)).toBe(true);
    const one = minute(m1);
    expect(one.minute).toMatchObject({ trackedSeconds: 60, keyboard: 10, mouse: 5, active: true, idle: false });
    const two = minute(m1 + 60);
    expect(two.minute).toMatchObject({ trackedSeconds: 60, keyboard: 0, mouse: 0, active: false, idle: false });
    const four = minute(m4);
    expect(four.minute).toMatchObject({ keyboard: 3, active: true });
    expect(four.minute.trackedSeconds).toBeGreaterThanOrEqual(30);
    expect(four.minute.trackedSeconds).toBeLessThan(60);
    // M3 was in progress at the kill, 40 s in: the open minute is saved every 10 s, so at most its last 10 s (and a
    // tick's lag) went with the agent, its keys typed at 20 s were saved, and the restarted agent continued it.
    const three = minute(m3);
    expect(three.minute.keyboard).toBe(5);
    expect(three.minute.trackedSeconds).toBeGreaterThanOrEqual(40 - 10 - 2);
    expect(three.minute.trackedSeconds).toBeLessThanOrEqual(60);

    // Segments never overlap and every segment's minutes add up to its tracked time.
    for (const s of segments) {
      expect(s.trackedSeconds).toBe(s.minutes.reduce((sum, m) => sum + m.trackedSeconds, 0));
      expect(s.lengthSeconds).toBe(60);
    }
    expect(new Set(segments.map((s) => s.startedAt)).size).toBe(segments.length);

    // The terminal was the active window.
    expect(one.segment.apps.some((a) => a.title === 'Worktrace test terminal')).toBe(true);

    // One screenshot per full segment, inside it, decrypting to a JPEG of this screen.
    for (const { segment } of [one, two]) {
      expect(segment.screenshot).not.toBeNull();
      const takenAt = Date.parse(segment.screenshot!.takenAt);
      const start = Date.parse(segment.startedAt);
      expect(takenAt).toBeGreaterThanOrEqual(start);
      expect(takenAt).toBeLessThan(start + 60_000);
    }
    const out = join(tmpdir(), `worktrace-shot-${process.pid}.jpg`);
    try {
      const exported = runCli(['screenshot', one.segment.screenshot!.id, '--out', out], env);
      expect(exported.stderr).toBe('');
      expect(exported.status).toBe(0);
      const jpeg = readFileSync(out);
      expect(jpeg.subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
      // Not a byte of the decrypted image is stored in plaintext anywhere in the data directory.
      const leaked = filesContaining(dataDir, jpeg);
      expect(leaked.piecesChecked).toBeGreaterThanOrEqual(4);
      expect(leaked.files).toEqual([]);
      const meta = await sharp(jpeg).metadata();
      expect(meta).toMatchObject({ format: 'jpeg', width: 1280, height: 720 });
      // The bottom-right quarter shows only the root window's colour.
      // (stats() of an extract() pipeline reports the whole input image: cut the region out first.)
      const region = await sharp(jpeg).extract({ left: 800, top: 450, width: 400, height: 240 }).png().toBuffer();
      const stats = await sharp(region).stats();
      const [r, g, b] = stats.channels.map((c) => c.mean);
      expect(Math.abs(r! - ROOT_COLOUR.r)).toBeLessThan(12);
      expect(Math.abs(g! - ROOT_COLOUR.g)).toBeLessThan(12);
      expect(Math.abs(b! - ROOT_COLOUR.b)).toBeLessThan(12);
    } finally {
      rmSync(out, { force: true });
    }

    // No plaintext image anywhere in the data directory (database, WAL, key file, ...).
    expect(findImageSignatures(dataDir)).toEqual([]);

    const db = new Database(join(dataDir, 'worktrace.db'), { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
  });
});
