import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncView } from '../../../src/main/app/sync-view.js';
import { CredentialsStore, readSyncStatus, waitingWords, type Credentials } from '../../../src/main/sync/index.js';
import { diarySchema, type Diary } from '../../../src/shared/protocol/api/index.js';
import { DEFAULT_FAKE_WALL_MS, FakeClock } from '../../support/fake-clock.js';
import { createAgentFixture, type AgentFixture, type RecordedSegment } from './support/agent-fixture.js';
import { startLiveServer, type LiveServer } from './support/live-server.js';

/**
 * One machine, several accounts: the freelancer records work, then someone signs in as another user (same server)
 * and as the same person on another server. Neither sign-in sends the first account's queue (no 403/404, nothing
 * parked); status and the app's sync view say what waits for whom; it all drains when the first account is back.
 * Two real servers on loopback (SQLite), fake clocks.
 */
const T0 = DEFAULT_FAKE_WALL_MS;
const DAY = 86_400_000;
const WORK_START = T0 - 6 * 3_600_000;

interface Person {
  readonly token: string;
  readonly account: { server: string; userId: string; email: string };
}

describe('switching accounts on one agent', () => {
  let first: LiveServer;
  let second: LiveServer;
  let agent: AgentFixture;

  beforeAll(async () => {
    const clock = new FakeClock({ wallMs: T0 - DAY });
    first = await startLiveServer({ segmentSeconds: 60, clock, otherContract: true });
    second = await startLiveServer({ segmentSeconds: 60, clock });
    clock.setWall(T0 + DAY);
    agent = createAgentFixture();
  });
  afterAll(async () => {
    agent?.close();
    await first?.close();
    await second?.close();
  });

  const person = async (server: LiveServer, who: 'freelancer' | 'other'): Promise<Person> => {
    const s = await server.session(who);
    return { token: s.token, account: { server: server.url, userId: s.userId, email: s.email } };
  };
  /** Signs the agent in as `p`, as login does: credentials file, then the uploader. */
  const signIn = (p: Person) => {
    const credentials: Credentials = { ...p.account, role: 'freelancer', token: p.token, expiresAt: new Date(T0 + 30 * DAY).toISOString() };
    new CredentialsStore(agent.dataDir).write(credentials);
    return agent.uploader(p.account.server, p.token, { account: p.account });
  };
  const diary = async (server: LiveServer, contractId: string): Promise<Diary> => {
    const token = await server.token('client');
    const range = `from=${new Date(WORK_START - DAY).toISOString()}&to=${new Date(T0 + DAY).toISOString()}`;
    const answer = await server.api('GET', `/contracts/${contractId}/diary?${range}`, { token });
    expect(answer.status).toBe(200);
    return diarySchema.parse(answer.json);
  };
  const refusals = (server: LiveServer) => server.logs().match(/"statusCode":(401|403|404)\b/g) ?? [];

  it("sends each account's work only with that account's sign-in, and says what waits for whom", async () => {
    const ana = await person(first, 'freelancer');
    const bob = await person(first, 'other');
    const anaElsewhere = await person(second, 'freelancer');

    // Ana records three segments with screenshots while offline (no pass), then signs out.
    signIn(ana);
    const anas: RecordedSegment[] = await agent.record({ contractId: first.contractId, startMs: WORK_START, count: 3 });

    // Bob signs in on the same machine and records his own work: his pass sends his, and only his.
    const bobsUploader = signIn(bob);
    const bobs = await agent.record({ contractId: first.otherContractId!, startMs: WORK_START + 3_600_000, count: 2 });
    const bobsPass = await bobsUploader.runPass({ everything: true });
    expect(bobsPass).toMatchObject({ sent: { segments: 2, screenshots: 2 }, refused: { segments: 0, screenshots: 0 }, parked: 0, stoppedBy: null });
    expect((await diary(first, first.otherContractId!)).segments.map((s) => s.id)).toEqual(bobs.map((r) => r.segmentId));
    expect((await diary(first, first.contractId)).segments).toEqual([]);
    expect(agent.store.outbox.parked(bob.account)).toEqual([]);

    // What Bob is told: Ana's six items wait for her.
    const waiting = { account: ana.account, pendingSegments: 3, pendingScreenshots: 3, parked: 0 };
    const status = readSyncStatus(agent.store, agent.dataDir);
    expect(status.signedIn?.email).toBe(bob.account.email);
    expect(status.waitingForOtherAccounts).toEqual([waiting]);
    expect(waitingWords(status.waitingForOtherAccounts[0]!)).toBe(`6 items wait for freelancer@demo.test on ${first.url}: sign in as them to send them.`);
    const view = syncView(agent.store, [], { online: true, signInAgain: false, lastError: null, account: bob.account }, agent.clock.now());
    expect(view).toMatchObject({ pendingSegments: 0, pendingScreenshots: 0, parked: [], waiting: [{ email: 'freelancer@demo.test', serverUrl: first.url, items: 6 }] });

    // The same email on another server is another account: nothing of Ana's goes there either.
    const elsewherePass = await signIn(anaElsewhere).runPass({ everything: true });
    expect(elsewherePass).toMatchObject({ sent: { segments: 0, screenshots: 0 }, parked: 0, stoppedBy: null });
    expect((await diary(second, second.contractId)).segments).toEqual([]);
    expect(readSyncStatus(agent.store, agent.dataDir).waitingForOtherAccounts).toEqual([waiting]);

    // Signed out: everything waits for its account.
    new CredentialsStore(agent.dataDir).clear();
    expect(readSyncStatus(agent.store, agent.dataDir).waitingForOtherAccounts).toEqual([waiting]);
    expect(syncView(agent.store, [], { online: true, signInAgain: false, lastError: null, account: null }, agent.clock.now()).waiting).toEqual([
      { email: 'freelancer@demo.test', serverUrl: first.url, items: 6 },
    ]);

    // Ana is back: her queue drains, in order, complete.
    const anasPass = await signIn(ana).runPass({ everything: true });
    expect(anasPass).toMatchObject({ sent: { segments: 3, screenshots: 3 }, parked: 0, stoppedBy: null });
    const delivered = await diary(first, first.contractId);
    expect(delivered.segments.map((s) => s.id)).toEqual(anas.map((r) => r.segmentId));
    expect(delivered.segments.map((s) => s.screenshot?.id)).toEqual(anas.map((r) => r.screenshot?.id));
    expect(agent.store.outbox.counts()).toEqual({ pending: { segment: 0, screenshot: 0 }, parked: { segment: 0, screenshot: 0 } });
    expect(readSyncStatus(agent.store, agent.dataDir).waitingForOtherAccounts).toEqual([]);

    // No server ever turned an item away: no account's work was offered with another account's token.
    expect(first.logs()).toMatch(/"statusCode":200\b/); // the log does carry each answer's status
    expect(refusals(first)).toEqual([]);
    expect(refusals(second)).toEqual([]);
  });
});
