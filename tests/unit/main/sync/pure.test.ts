import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CredentialsStore, SseParser, backoffDelay, checkServerUrl, isTransient } from '../../../../src/main/sync/index.js';

describe('backoffDelay', () => {
  it('doubles from the base, stays within [ceiling/2, ceiling] and never passes the cap', () => {
    const options = { baseMs: 1_000, capMs: 60_000 };
    expect(backoffDelay(0, () => 0, options)).toBe(500);
    expect(backoffDelay(0, () => 1, options)).toBe(1_000);
    expect(backoffDelay(3, () => 0.5, options)).toBe(6_000);
    for (let attempts = 0; attempts < 80; attempts += 1) {
      const delay = backoffDelay(attempts, Math.random, options);
      expect(delay).toBeGreaterThanOrEqual(250);
      expect(delay).toBeLessThanOrEqual(60_000);
    }
    expect(backoffDelay(1_000, () => 1, options)).toBe(60_000);
  });

  it('honours Retry-After as a floor', () => {
    expect(backoffDelay(0, () => 0, { baseMs: 1_000, capMs: 60_000 }, 30_000)).toBe(30_000);
  });
});

describe('SseParser', () => {
  it('assembles events across chunk borders and skips heartbeats', () => {
    const parser = new SseParser();
    expect(parser.feed('retry: 3000\n\n: keepalive\n\nevent: pol')).toEqual([]);
    expect(parser.feed('icy\nid: 2\ndata: {"a":')).toEqual([]);
    expect(parser.feed('1}\n\r\n')).toEqual([{ event: 'policy', id: '2', data: '{"a":1}' }]);
    expect(parser.feed('data: x\ndata: y\n\n')).toEqual([{ event: 'message', id: '2', data: 'x\ny' }]);
  });
});

describe('checkServerUrl', () => {
  it('takes https anywhere and plain http only to loopback', () => {
    expect(checkServerUrl('https://diary.example.com/')).toBe('https://diary.example.com');
    expect(checkServerUrl('http://127.0.0.1:4780')).toBe('http://127.0.0.1:4780');
    expect(checkServerUrl('http://localhost:4780/base/')).toBe('http://localhost:4780/base');
    expect(checkServerUrl('http://[::1]:4780')).toBe('http://[::1]:4780');
    for (const refused of ['http://diary.example.com', 'http://10.0.0.5', 'http://127.0.0.1.example.com', 'http://[::2]']) {
      expect(() => checkServerUrl(refused)).toThrow(expect.objectContaining({ code: 'PLAIN_HTTP_REFUSED' }));
    }
    for (const bad of ['diary.example.com', 'ftp://x', 'https://user:pw@x.example', 'https://x.example/?a=1']) {
      expect(() => checkServerUrl(bad)).toThrow(expect.objectContaining({ code: 'INVALID_SERVER_URL' }));
    }
  });
});

describe('isTransient', () => {
  it('retries network trouble, unreadable answers, 5xx and 429; not other 4xx', () => {
    expect(isTransient({ kind: 'network', detail: 'ECONNRESET' })).toBe(true);
    expect(isTransient({ kind: 'invalid', status: 200, detail: 'not JSON' })).toBe(true);
    for (const status of [500, 502, 503, 429]) expect(isTransient({ kind: 'http', status, code: null, detail: '', retryAfterMs: null })).toBe(true);
    for (const status of [400, 401, 404, 409, 410, 413, 422]) expect(isTransient({ kind: 'http', status, code: null, detail: '', retryAfterMs: null })).toBe(false);
  });
});

describe('CredentialsStore', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the token in a 0600 file, reads it back and forgets it', () => {
    dir = mkdtempSync(join(tmpdir(), 'wt-cred-'));
    const store = new CredentialsStore(dir);
    expect(store.read()).toBeNull();
    expect(() => store.require()).toThrow(expect.objectContaining({ code: 'NOT_SIGNED_IN' }));
    writeFileSync(store.file, 'old', { mode: 0o644 });
    const credentials = { server: 'http://127.0.0.1:1', email: 'f@x.test', userId: 'u1', role: 'freelancer' as const, token: 'secret-token', expiresAt: '2027-01-01T00:00:00.000Z' };
    store.write(credentials);
    expect(statSync(store.file).mode & 0o777).toBe(0o600);
    expect(store.read()).toEqual(credentials);
    expect(store.clear()).toBe(true);
    expect(store.read()).toBeNull();
    expect(store.clear()).toBe(false);
  });

  it('reports a damaged file with a code instead of crashing', () => {
    dir = mkdtempSync(join(tmpdir(), 'wt-cred-'));
    const store = new CredentialsStore(dir);
    writeFileSync(store.file, '{"token": 1}');
    expect(() => store.read()).toThrow(expect.objectContaining({ code: 'CREDENTIALS_UNREADABLE' }));
  });
});
