import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diarySchema } from '../../../src/shared/protocol/api/index.js';
import { segmentRecordSchema, type SegmentRecord } from '../../../src/shared/protocol/index.js';
import { assertBuilt, sleep, sleepUntilMinuteOffset, startCli, waitForOutput, type RunningCli } from '../../support/cli.js';
import { startDisplay, type TestDisplay } from '../../support/display.js';
import { findImageSignatures } from '../../support/files.js';
import { runCliAsync } from './support/cli-async.js';
import { DEMO_PASSWORDS, startLiveServer, type LiveServer } from './support/live-server.js';

/**
 * Issue 4 end to end: the built CLI signs in to the real server on loopback, tracks the demo contract (60-second
 * segments, screenshots on) under Xvfb with input from xdotool, follows the client's switch to "off" while it
 * tracks, and after `worktrace sync` the server's diary equals the agent's own record minute for minute.
 *
 *   minute:  M0 (start)   M1            M2                        M3          M4
 *   input:   -            10 keys,      -                         6 keys      SIGINT at +10 s
 *                         3 clicks      client sets "off" at +30 s
 *   shots:   maybe        one (on)      maybe, only before "off"  none        none
 */
describe('worktrace against the work-diary server', () => {
  let display: TestDisplay;
  let server: LiveServer;
  let dataDir: string;
  let outDir: string;
  let env: NodeJS.ProcessEnv;
  let running: RunningCli | undefined;
  const minuteOf = (ms: number): number => Math.floor(ms / 60_000) * 60;
  const cli = (args: string[], input?: string) => runCliAsync(args, env, input);

  beforeAll(async () => {
    assertBuilt();
    display = await startDisplay();
    display.spawnClient('xterm', ['-T', 'Worktrace sync test', '-geometry', '80x24+0+0']);
    server = await startLiveServer({ segmentSeconds: 60 });
    await sleep(1000);
    dataDir = mkdtempSync(join(tmpdir(), 'worktrace-sync-'));
    outDir = mkdtempSync(join(tmpdir(), 'worktrace-sync-out-'));
    env = { ...display.env, WORKTRACE_DATA_DIR: dataDir, CI: process.env.CI ?? '' };
    delete env.WORKTRACE_PASSWORD;
  });

  afterAll(async () => {
    if (running?.child.exitCode === null) running.child.kill('SIGKILL');
    await display?.stop();
    await server?.close();
    for (const dir of [dataDir, outDir]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('refuses plain HTTP to another machine and a wrong password, without writing credentials', async () => {
    const plain = await cli(['login', '--server', 'http://diary.example.com', '--email', 'freelancer@demo.test'], 'x\n');
    expect(plain.status).toBe(1);
    expect(plain.stderr).toMatch(/Plain HTTP is refused/);
    const wrong = await cli(['login', '--server', server.url, '--email', DEMO_PASSWORDS.freelancer.email], 'not-the-password\n');
    expect(wrong.status).toBe(1);
    expect(wrong.stderr).toMatch(/Wrong email or password/);
    expect(() => statSync(join(dataDir, 'credentials.json'))).toThrow();
    const signedOut = await cli(['contracts']);
    expect(signedOut.status).toBe(1);
    expect(signedOut.stderr).toMatch(/Not signed in/);
  });

  it('tracks against the server, follows "off" while tracking, and the diary equals the agent record', { timeout: 480_000 }, async () => {
    const login = await cli(['login', '--server', server.url, '--email', DEMO_PASSWORDS.freelancer.email], `${DEMO_PASSWORDS.freelancer.password}\n`);
    expect(login.stderr).toBe('');
    expect(login.status).toBe(0);
    const credentials = join(dataDir, 'credentials.json');
    expect(statSync(credentials).mode & 0o777).toBe(0o600);
    const token = JSON.parse(readFileSync(credentials, 'utf8')).token as string;
    expect(login.stdout).not.toContain(token);

    const listed = await cli(['contracts', '--json']);
    expect(listed.status).toBe(0);
    const contracts = JSON.parse(listed.stdout) as { id: string; policy: { screenshots: string; segmentSeconds: number } }[];
    expect(contracts.map((c) => c.id)).toEqual([server.contractId]);
    expect(contracts[0]?.policy).toMatchObject({ screenshots: 'on', segmentSeconds: 60 });

    const agent = startCli(['track', '--contract', server.contractId, '--memo', 'sync test'], env);
    running = agent;
    await waitForOutput(agent, /Tracking contract .* screenshots on \(policy v1\), 1-minute segments/, 30_000);

    const m1 = minuteOf(await sleepUntilMinuteOffset(20_000, 25_000));
    display.run('xdotool', ['type', '--delay', '60', 'abcdefghij']);
    display.run('xdotool', ['click', '--repeat', '3', '--delay', '120', '1']);

    // M2 + 30 s: the client switches screenshots off; the agent must hear it through the stream within seconds.
    await sleepUntilMinuteOffset(30_000, 50_000);
    const clientToken = await server.token('client');
    const flipped = await server.api('PUT', `/contracts/${server.contractId}/policy`, { token: clientToken, json: { screenshots: 'off' } });
    expect(flipped.status).toBe(200);
    const flipSentAt = Date.now();
    await waitForOutput(agent, /policy v2: screenshots off/, 60_000);
    const heardAt = Date.now();
    console.log(`policy "off" reached the tracking agent ${heardAt - flipSentAt} ms after the client's change (bound: 5000 ms)`);

    const m3 = minuteOf(await sleepUntilMinuteOffset(20_000, 20_000));
    display.run('xdotool', ['type', '--delay', '60', 'klmnop']);
    await sleepUntilMinuteOffset(10_000, 20_000);
    agent.child.kill('SIGINT');
    expect(await agent.exited).toBe(0);
    expect(agent.stderr()).not.toMatch(/warning|failed/);

    const sync = await cli(['sync']);
    expect(sync.stderr).toBe('');
    expect(sync.status).toBe(0);
    expect(sync.stdout).toMatch(/^Sent \d+ segment\(s\) and \d+ screenshot\(s\)\./);

    const local = segmentRecordSchema.array().parse(JSON.parse((await cli(['segments', '--json'])).stdout)) as SegmentRecord[];
    const diaryAnswer = await server.api(
      'GET',
      `/contracts/${server.contractId}/diary?from=${new Date(Date.now() - 3_600_000).toISOString()}&to=${new Date(Date.now() + 60_000).toISOString()}`,
      { token: clientToken },
    );
    expect(diaryAnswer.status).toBe(200);
    const diary = diarySchema.parse(diaryAnswer.json);

    // Minute for minute: every local segment is on the server with the same minutes, apps total and screenshot.
    expect(local.length).toBeGreaterThanOrEqual(4);
    expect(diary.segments.map((s) => s.id)).toEqual(local.map((s) => s.id));
    for (const mine of local) {
      const theirs = diary.segments.find((s) => s.id === mine.id)!;
      expect(theirs.startedAt).toBe(mine.startedAt);
      expect(theirs.trackedSeconds).toBe(mine.trackedSeconds);
      expect(theirs.idleSeconds).toBe(mine.idleSeconds);
      expect(theirs.minutes).toEqual(mine.minutes);
      expect(theirs.memo).toBe('sync test');
      expect(theirs.screenshot?.id ?? null).toBe(mine.screenshot?.id ?? null);
    }
    // Each segment carries the policy version in force when it was opened.
    for (const s of diary.segments) {
      if (Date.parse(s.startedAt) >= heardAt) expect(s.policyVersion).toBe(2);
      if (Date.parse(s.startedAt) + 60_000 <= flipSentAt) expect(s.policyVersion).toBe(1);
    }
    expect(diary.totals.trackedSeconds).toBe(local.reduce((sum, s) => sum + s.trackedSeconds, 0));
    const minute = (sec: number) => local.flatMap((s) => s.minutes).find((m) => Date.parse(m.startedAt) === sec * 1000);
    expect(minute(m1)).toMatchObject({ active: true, keyboard: 10 });
    expect(minute(m1)!.mouse).toBeGreaterThanOrEqual(3);
    expect(minute(m3)).toMatchObject({ active: true, keyboard: 6 });

    // Screenshots: M1 was wholly under "on"; none was taken after the agent heard "off".
    const m1Segment = local.find((s) => Date.parse(s.startedAt) === m1 * 1000)!;
    expect(m1Segment.screenshot).not.toBeNull();
    for (const s of local) if (s.screenshot) expect(Date.parse(s.screenshot.takenAt)).toBeLessThan(heardAt);
    // The server holds exactly the bytes the agent encrypted.
    const shotId = m1Segment.screenshot!.id;
    const out = join(outDir, 'm1.jpg');
    expect((await cli(['screenshot', shotId, '--out', out])).status).toBe(0);
    const image = await server.api('GET', `/screenshots/${shotId}`, { token: clientToken });
    expect(image.status).toBe(200);
    expect(image.bytes.equals(readFileSync(out))).toBe(true);
    expect(findImageSignatures(dataDir)).toEqual([]);

    // Status: the policy in force, an empty queue and the last sync, from local state only.
    const status = JSON.parse((await cli(['status', '--json'])).stdout);
    const row = status.sync.contracts.find((c: { contractId: string }) => c.contractId === server.contractId);
    expect(row).toMatchObject({ policy: { screenshots: 'off', version: 2 }, pendingSegments: 0, pendingScreenshots: 0, parked: [] });
    expect(row.lastSuccessAt).toBeGreaterThan(flipSentAt);
    expect(status.sync.signedIn).toMatchObject({ server: server.url, email: DEMO_PASSWORDS.freelancer.email });
    expect(JSON.stringify(status)).not.toContain(token);

    // A second sync sends nothing new; logout forgets the token but keeps the record.
    expect((await cli(['sync'])).stdout).toMatch(/^Sent 0 segment\(s\) and 0 screenshot\(s\)\./);
    expect((await cli(['logout'])).stdout).toMatch(/^Signed out of .*: this sign-in no longer works anywhere\./);
    expect(() => statSync(credentials)).toThrow();
    expect((await server.api('GET', '/contracts', { token })).status).toBe(401); // revoked on the server too
    expect((await cli(['segments', '--json'])).stdout).toBe(JSON.stringify(local, null, 2) + '\n');
  });
});
