import type { Socket } from 'node:net';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { testBackends } from '../support/backends.js';
import { holdCalls, type CallHold } from '../support/hold-calls.js';
import { connectRaw, type RawConnection } from '../support/raw-http.js';
import { createWorld, startTestServer, type TestServer, type World } from '../support/server.js';

/**
 * The policy stream holds a subscription and a heartbeat timer (which checks the token) for as long as it is open.
 * Clients hang up at any moment: many at once, while the server still checks their token, looks up the contract,
 * reads the current policy, or once the stream flows; some close politely, some reset. Afterwards the server holds
 * none of them: no open stream, no subscription, no timer, no extra LISTEN session on PostgreSQL, no connection.
 */
const PER_ACCOUNT = 16;
const STREAMS_PER_ACCOUNT = 12; // two accounts: 24 streams at once, each account under its cap

interface Stage {
  readonly name: string;
  /** What the server is held at while the clients hang up; null: the streams are open and flowing. */
  readonly hold: ((server: TestServer) => CallHold) | null;
}

const STAGES: Stage[] = [
  { name: 'while the server checks their token', hold: (s) => holdCalls(s.repos.tokens, 'findUser') },
  { name: 'while the server looks up the contract', hold: (s) => holdCalls(s.repos.contracts, 'find') },
  { name: 'while the server reads the current policy', hold: (s) => holdCalls(s.repos.contracts, 'currentPolicy') },
  { name: 'after the stream has sent the policy', hold: null },
];

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe.each(testBackends())('policy streams dropped by their clients on $name', (backend) => {
  let server: TestServer;
  let world: World;
  /** The server's end of every connection, by the client's port. */
  let serverSockets: Map<number, Socket>;
  let listenSessions: () => Promise<number>;
  let closeProbe: () => Promise<void>;

  beforeEach(async () => {
    server = await startTestServer(backend, { policyStreamsPerAccount: PER_ACCOUNT });
    world = await createWorld(server);
    serverSockets = new Map();
    server.app.server.on('connection', (socket: Socket) => serverSockets.set(socket.remotePort ?? 0, socket));
    if (server.databaseUrl) {
      const probe = new pg.Client({ connectionString: server.databaseUrl });
      await probe.connect();
      listenSessions = async () =>
        (await probe.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND query ILIKE 'LISTEN%'")).rows[0]!.n;
      closeProbe = () => probe.end();
    } else {
      listenSessions = async () => 0;
      closeProbe = async () => undefined;
    }
  });
  afterEach(async () => {
    await closeProbe?.();
    await server?.close();
  });

  /** What the server holds for streams: all of it must be back to the baseline after the clients are gone. */
  const holdings = async () => ({
    openStreams: server.app.policyStreams.size,
    subscriptions: server.policyEvents.listenerCount(),
    timers: server.clock.pendingTimers(),
    listenSessions: await listenSessions(),
  });

  function streamRequest(connection: RawConnection, token: string): void {
    connection.socket.write(
      `GET /api/v1/contracts/${world.contract.id}/policy/stream HTTP/1.1\r\nhost: 127.0.0.1\r\nauthorization: Bearer ${token}\r\naccept: text/event-stream\r\n\r\n`,
    );
  }

  /** Half of the clients close their end, half reset the connection. */
  function hangUp(connections: RawConnection[]): void {
    connections.forEach((c, i) => (i % 2 === 0 ? c.socket.destroy() : c.socket.resetAndDestroy()));
  }

  /** Waits until the server has seen each of these connections close (their client ports, taken while open). */
  async function serverSideClosed(ports: number[]): Promise<void> {
    await Promise.all(ports.map((port) => expect.poll(() => serverSockets.get(port)?.destroyed ?? false).toBe(true)));
  }

  it.each(STAGES)('$name: nothing is left behind', async ({ hold }) => {
    const baseline = await holdings();
    expect(baseline.openStreams).toBe(0);
    expect(baseline.subscriptions).toBe(0);
    const openedBefore = server.app.policyStreams.opened;
    const tokens = [...Array(STREAMS_PER_ACCOUNT).fill(world.client.token), ...Array(STREAMS_PER_ACCOUNT).fill(world.freelancer.token)] as string[];
    const held = hold?.(server) ?? null;
    const connections = await Promise.all(tokens.map(() => connectRaw(server.baseUrl)));
    connections.forEach((c, i) => streamRequest(c, tokens[i]!));

    if (held) {
      await held.reached(tokens.length);
    } else {
      await Promise.all(connections.map((c) => c.until('event: policy')));
      expect((await holdings()).openStreams).toBe(tokens.length);
      expect(server.policyEvents.listenerCount()).toBe(tokens.length);
    }
    const ports = connections.map((c) => c.socket.localPort ?? 0);
    hangUp(connections);
    await serverSideClosed(ports);
    if (held) {
      held.release();
      await held.finished(tokens.length);
    }
    // Every request reached the route (none was lost on the way), and none of them holds anything now.
    await expect.poll(() => server.app.policyStreams.opened).toBe(openedBefore + tokens.length);
    await expect.poll(holdings).toEqual(baseline);
    for (let i = 0; i < 3; i += 1) await nextTurn();
    expect(await holdings()).toEqual(baseline);

    // The heartbeats that would have run (with their token lookups) are gone with the streams.
    const lookups = vi.spyOn(server.repos.tokens, 'findUser');
    server.clock.advance(3 * 25_000);
    expect(lookups).not.toHaveBeenCalled();
    lookups.mockRestore();
    expect(await holdings()).toEqual(baseline);
    // And the server still streams to the next client.
    const fresh = await connectRaw(server.baseUrl);
    streamRequest(fresh, world.freelancer.token);
    await fresh.until('event: policy');
    expect(server.app.policyStreams.size).toBe(1);
    fresh.socket.destroy();
    await expect.poll(holdings).toEqual(baseline);
    expect(server.logs(), 'nothing went wrong in the server').not.toMatch(/"level":(50|60)/);
  });

  it('a token revoked while its streams are still being set up: they are closed, and nothing is left', async () => {
    const baseline = await holdings();
    const signedIn = await server.request('POST', '/api/v1/auth/token', { json: { email: world.client.email, password: world.client.password } });
    const token = signedIn.json.token as string;
    const held = holdCalls(server.repos.contracts, 'find');
    const connections = await Promise.all(Array.from({ length: 4 }, () => connectRaw(server.baseUrl)));
    for (const c of connections) streamRequest(c, token);
    await held.reached(connections.length);
    expect(server.app.policyStreams.openFor(world.client.id)).toBe(connections.length);
    expect((await server.request('DELETE', '/api/v1/auth/token', { token })).status).toBe(204);
    await Promise.all(connections.map((c) => c.closed));
    held.release();
    await held.finished(connections.length);
    await expect.poll(holdings).toEqual(baseline);
    for (let i = 0; i < 3; i += 1) await nextTurn();
    expect(await holdings()).toEqual(baseline);
    // The client's reconnect meets the 401.
    const again = await connectRaw(server.baseUrl);
    streamRequest(again, token);
    await again.until('UNAUTHENTICATED');
    again.socket.destroy();
    expect(server.logs(), 'nothing went wrong in the server').not.toMatch(/"level":(50|60)/);
  });

  it(`refuses a ${PER_ACCOUNT + 1}th stream of one account with 429 TOO_MANY_STREAMS and Retry-After; other accounts and closed places are free`, async () => {
    const open = async (token: string) => {
      const c = await connectRaw(server.baseUrl);
      streamRequest(c, token);
      await c.until('\r\n\r\n');
      return c;
    };
    const mine = await Promise.all(Array.from({ length: PER_ACCOUNT }, () => open(world.freelancer.token)));
    for (const c of mine) expect(c.received().toString('latin1')).toMatch(/^HTTP\/1\.1 200 /);
    expect(server.app.policyStreams.openFor(world.freelancer.id)).toBe(PER_ACCOUNT);

    const refused = await open(world.freelancer.token);
    const head = refused.received().toString('latin1');
    expect(head).toMatch(/^HTTP\/1\.1 429 /);
    expect(head).toMatch(/\r\nretry-after: \d+\r\n/i);
    await refused.until('TOO_MANY_STREAMS');
    expect(server.app.policyStreams.openFor(world.freelancer.id)).toBe(PER_ACCOUNT);

    // The other party of the contract is not affected.
    const theirs = await open(world.client.token);
    expect(theirs.received().toString('latin1')).toMatch(/^HTTP\/1\.1 200 /);

    // A place comes free when a stream closes.
    mine[0]!.socket.destroy();
    await expect.poll(() => server.app.policyStreams.openFor(world.freelancer.id)).toBe(PER_ACCOUNT - 1);
    const again = await open(world.freelancer.token);
    expect(again.received().toString('latin1')).toMatch(/^HTTP\/1\.1 200 /);
    for (const c of [...mine, refused, theirs, again]) c.socket.destroy();
    await expect.poll(() => server.app.policyStreams.size).toBe(0);
  });
});
