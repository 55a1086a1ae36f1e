import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ulid } from 'ulid';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../../../src/main/clock/system-clock.js';
import { createLogger } from '../../../../src/main/log.js';
import { openStore, type Store } from '../../../../src/main/store/index.js';
import { ApiClient, ServerPolicySource } from '../../../../src/main/sync/index.js';
import type { TrackingPolicy } from '../../../../src/main/tracking/ports.js';

/**
 * The policy source against a scripted server on loopback that answers what a broken server or a meddling
 * proxy might: HTML, truncated JSON, wrong types, huge bodies, another contract's policy, older versions.
 * None of it may turn screenshots on; only a well-formed newer policy for this contract changes anything.
 */
const CONTRACT = ulid();
/** A policy without private windows: the list reads as empty. */
const NONE_PRIVATE = { readable: true, rules: [] };
const status = (state: string, seq: number, by: string | null = 'client') => ({ state, seq, since: '2026-11-26T05:00:00.000Z', by });
const policy = (screenshots: string, version: number, contractId = CONTRACT, contract: object | null = status('active', 1, null)) => ({
  contractId,
  screenshots,
  segmentSeconds: 600,
  retentionDays: 30,
  version,
  updatedAt: '2026-11-26T05:00:00.000Z',
  ...(contract ? { contract } : {}),
});

describe('ServerPolicySource with malformed and unexpected answers', () => {
  let server: Server;
  let url: string;
  let answer: (res: ServerResponse) => void = (res) => res.writeHead(500).end();
  let stream: ServerResponse | null = null;
  let store: Store;
  const logger = createLogger({ level: 'silent' });
  const sources: ServerPolicySource[] = [];
  const json = (status: number, body: string, type = 'application/json') => (res: ServerResponse) =>
    res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) }).end(body);

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url?.endsWith('/policy/stream')) {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write('retry: 3000\n\n');
        stream = res;
        return;
      }
      answer(res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterEach(() => {
    for (const source of sources.splice(0)) source.stop();
    store?.close();
    stream = null;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const source = (serverUrl = url) => {
    const s = new ServerPolicySource(
      { client: new ApiClient({ serverUrl, token: 't', maxAnswerBytes: 64 * 1024, timeoutMs: 5_000 }), cache: store.policies, clock: systemClock, logger, contractId: CONTRACT },
      { pollMs: 60_000, reconnectMs: 60_000 },
    );
    sources.push(s);
    return s;
  };

  const spoiled: [string, (res: ServerResponse) => void][] = [
    ['an HTML page', json(200, '<html><body>Welcome</body></html>', 'text/html')],
    ['truncated JSON', json(200, JSON.stringify(policy('on', 5)).slice(0, 40))],
    ['wrong types', json(200, JSON.stringify({ ...policy('on', 5), version: 'five' }))],
    ['a missing field', json(200, JSON.stringify({ contractId: CONTRACT, screenshots: 'on', version: 5 }))],
    ['an unknown mode', json(200, JSON.stringify(policy('always', 5)))],
    ['an extra field', json(200, JSON.stringify({ ...policy('on', 5), note: 'x' }))],
    ['another contract', json(200, JSON.stringify(policy('on', 5, ulid())))],
    ['a huge body', json(200, JSON.stringify({ ...policy('on', 5), pad: 'x'.repeat(200_000) }))],
    ['an error page', json(502, '<h1>Bad gateway</h1>', 'text/html')],
    ['a dropped connection', (res) => res.socket?.destroy()],
  ];

  it("takes a version whose private-window list it cannot read, marked unreadable (no screenshots), and from the cache too", async () => {
    store = openStore({ file: ':memory:', clock: systemClock, mode: 'server' });
    const s = source();
    const rules = [{ kind: 'title', pattern: '*Patient*' }];
    answer = json(200, JSON.stringify({ ...policy('on', 2), privateWindows: rules }));
    expect(await s.start()).toBe('changed');
    expect(s.current()?.privateWindows).toEqual({ readable: true, rules });
    // A newer server's rule kind: the version is taken (its other terms hold), its list is unreadable.
    answer = json(200, JSON.stringify({ ...policy('on', 3), privateWindows: [...rules, { kind: 'url', pattern: 'intranet/*' }] }));
    expect(await s.pull()).toBe('changed');
    expect(s.current()).toMatchObject({ version: 3, screenshots: 'on', privateWindows: { readable: false } });
    const restarted = source('http://127.0.0.1:9');
    expect(restarted.current()).toMatchObject({ version: 3, privateWindows: { readable: false } });
    answer = json(200, JSON.stringify({ ...policy('on', 4), privateWindows: rules }));
    expect(await s.pull()).toBe('changed');
    expect(s.current()?.privateWindows).toEqual({ readable: true, rules });
  });

  it('stays time-only when no good policy was ever seen', async () => {
    store = openStore({ file: ':memory:', clock: systemClock, mode: 'server' });
    const s = source();
    const seen: (TrackingPolicy | null)[] = [];
    s.onChange((p) => seen.push(p));
    for (const [what, reply] of spoiled) {
      answer = reply;
      expect(['unchanged', 'unreachable'], what).toContain(await s.pull());
      expect(s.current(), what).toBeNull();
    }
    expect(seen).toEqual([]);
    expect(store.policies.get(CONTRACT)).toBeNull();
  });

  it('keeps the last good policy through spoiled answers, older versions and bad stream events', async () => {
    store = openStore({ file: ':memory:', clock: systemClock, mode: 'server' });
    const s = source();
    answer = json(200, JSON.stringify(policy('off', 2)), 'application/json');
    expect(await s.start()).toBe('changed');
    expect(s.current()).toEqual({ screenshots: 'off', segmentSeconds: 600, version: 2, privateWindows: NONE_PRIVATE });
    for (const [what, reply] of spoiled) {
      answer = reply;
      await s.pull();
      expect(s.current()?.screenshots, what).toBe('off');
    }
    answer = json(200, JSON.stringify(policy('on', 1)));
    await s.pull();
    expect(s.current()?.screenshots).toBe('off');

    // The stream: junk, another contract's "on", then a real change to blurred.
    const changed = new Promise<TrackingPolicy | null>((resolve) => s.onChange(resolve));
    while (!stream) await new Promise((resolve) => setTimeout(resolve, 20));
    stream.write('event: policy\ndata: {"contractId": tru\n\n');
    stream.write(`event: policy\ndata: ${JSON.stringify(policy('on', 7, ulid()))}\n\n`);
    stream.write(`event: policy\ndata: ${JSON.stringify({ ...policy('on', 8), screenshots: 1 })}\n\n`);
    stream.write(`: keepalive\n\nevent: policy\nid: 3\ndata: ${JSON.stringify(policy('blurred', 3))}\n\n`);
    expect(await changed).toEqual({ screenshots: 'blurred', segmentSeconds: 600, version: 3, privateWindows: NONE_PRIVATE });

    // Offline restart: the cached policy is in force before any answer (the server here is unreachable).
    const offline = source('http://127.0.0.1:9');
    expect(offline.current()).toEqual({ screenshots: 'blurred', segmentSeconds: 600, version: 3, privateWindows: NONE_PRIVATE });
    expect(await offline.pull()).toBe('unreachable');
    expect(offline.current()?.screenshots).toBe('blurred');
  });

  it('treats an unreadable cache as no policy', () => {
    store = openStore({ file: ':memory:', clock: systemClock, mode: 'server' });
    store.policies.put(CONTRACT, JSON.stringify({ ...policy('on', 4), screenshots: 'sometimes' }), null);
    expect(source('http://127.0.0.1:9').current()).toBeNull();
    store.policies.put(CONTRACT, JSON.stringify(policy('on', 4, ulid())), null);
    expect(source('http://127.0.0.1:9').current()).toBeNull();
  });

  it("follows the contract's state: a change of state alone arrives; an unknown state, no state, say do not track", async () => {
    store = openStore({ file: ':memory:', clock: systemClock, mode: 'server' });
    const s = source();
    const tracking: (TrackingPolicy | null)[] = [];
    const states: string[] = [];
    s.onChange((p) => tracking.push(p));
    s.onPolicyChange(({ policy: p }) => states.push(p.contract?.state ?? 'none'));
    answer = json(200, JSON.stringify(policy('on', 2, CONTRACT, status('active', 2, 'freelancer'))));
    expect(await s.start()).toBe('changed');
    expect(s.verdict()).toEqual({ trackable: true });

    while (!stream) await new Promise((resolve) => setTimeout(resolve, 20));
    const heard = (count: number) => new Promise<void>((resolve) => s.onPolicyChange(() => states.length >= count && resolve()));
    let next = heard(2);
    stream.write(`event: policy\ndata: ${JSON.stringify(policy('on', 2, CONTRACT, status('paused', 3)))}\n\n`);
    await next;
    expect(s.verdict()).toEqual({ trackable: false, reason: 'it was paused by the client' });
    // The tracker hears only what it follows (screenshots, segment length, private windows): a pause is the session's to act on.
    expect(tracking).toEqual([{ screenshots: 'on', segmentSeconds: 600, version: 2, privateWindows: NONE_PRIVATE }]);
    // An older state (a stale relay) changes nothing; the cache holds the pause for an offline start.
    expect(s.accept(policy('on', 2, CONTRACT, status('active', 2, 'freelancer')), null, 'stream')).toBe(false);
    expect(s.verdict().trackable).toBe(false);
    expect(source('http://127.0.0.1:9').verdict()).toEqual({ trackable: false, reason: 'it was paused by the client' });

    next = heard(3);
    stream.write(`event: policy\ndata: ${JSON.stringify(policy('on', 2, CONTRACT, status('suspended', 4)))}\n\n`);
    await next;
    expect(s.verdict()).toMatchObject({ trackable: false, reason: expect.stringMatching(/"suspended", a state this version of Worktrace does not know/) });
    expect(states).toEqual(['active', 'paused', 'suspended']);

    // A policy cached before contracts had states: its screenshots are known, its state is not: do not track.
    store.policies.put(CONTRACT, JSON.stringify(policy('blurred', 9, CONTRACT, null)), null);
    const old = source('http://127.0.0.1:9');
    expect(old.current()).toEqual({ screenshots: 'blurred', segmentSeconds: 600, version: 9, privateWindows: NONE_PRIVATE });
    expect(old.verdict()).toMatchObject({ trackable: false });
    // And none at all: neither.
    store.policies.delete(CONTRACT);
    expect(source('http://127.0.0.1:9').verdict().trackable).toBe(false);
  });
});
