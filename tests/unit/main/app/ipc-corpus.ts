import fc from 'fast-check';
import { z } from 'zod';
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { invokeChannels, type InvokeChannel } from '../../../../src/shared/ipc/index.js';
import type { AppState, Envelope } from '../../../../src/shared/ipc/index.js';

/**
 * A generated corpus of malformed IPC payloads, derived from the IPC contract itself: each channel's schema gives
 * the fields to drop, retype and pad; a payload belongs to the corpus only when the contract refuses it. A valid
 * example per channel is the seed of the mutations; a channel added to the contract without one here makes
 * `channelsWithoutCorpus()` name it, and the test fail (not the type-check: the contract may grow in another branch).
 */

export const VALID_EXAMPLES: Readonly<Record<string, Readonly<Record<string, unknown>>>> = {
  'auth:sign-in': { serverUrl: 'https://diary.example.com', email: 'freelancer@example.com', password: 'correct horse' },
  'auth:sign-out': {},
  'auth:sign-out-everywhere': {},
  'state:get': {},
  'contracts:refresh': {},
  'tracking:start': { contractId: '01JABCDEFGHJKMNPQRSTVWXYZ0', memo: 'writing the report' },
  'tracking:stop': {},
  'tracking:set-memo': { memo: 'reviewing' },
  'screenshots:delete': { id: '01JABCDEFGHJKMNPQRSTVWXYZ0' },
  'idle:decide': { decision: 'keep' },
  'settings:launch-at-login': { enabled: true },
  'sync:now': {},
  'sync:retry-parked': {},
  'permissions:open-settings': { pane: 'accessibility' },
  'privacy:add': { kind: 'title', pattern: '*Patient*' },
  'privacy:remove': { kind: 'app', pattern: 'keepassxc' },
  'privacy:keep-app-names': { enabled: true },
  'weeks:show': { contractId: '01JABCDEFGHJKMNPQRSTVWXYZ0', week: '2026-11-30' },
  'timesheet:save': { contractId: '01JABCDEFGHJKMNPQRSTVWXYZ0', from: '2026-11-30', to: '2026-12-06', format: 'pdf' },
};

export const CHANNELS = Object.keys(invokeChannels) as InvokeChannel[];

function exampleOf(channel: InvokeChannel): Record<string, unknown> {
  const example = VALID_EXAMPLES[channel];
  if (!example) throw new Error(`no valid example for IPC channel ${channel}: add one to VALID_EXAMPLES`);
  return { ...example };
}

export function channelsWithoutCorpus(): string[] {
  return CHANNELS.filter((channel) => {
    const example = VALID_EXAMPLES[channel];
    return example === undefined || !invokeChannels[channel].safeParse(example).success;
  });
}

/** The same as the service: a missing payload means "no fields" (the preload sends undefined for {}). */
export function contractAccepts(channel: InvokeChannel, payload: unknown): boolean {
  try {
    return invokeChannels[channel].safeParse(payload ?? {}).success;
  } catch {
    return false; // a throwing getter: the contract cannot accept what it cannot read
  }
}

// ---- hostile values ---------------------------------------------------------------------------------------------

/** Long enough to be unmistakable if it ever came back in a message; built once (5 MB). */
export const HUGE_MARKER = 'HUGEPAYLOAD';
const HUGE = HUGE_MARKER.repeat(Math.ceil((5 * 1024 * 1024) / HUGE_MARKER.length));
const POLLUTION_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty'];

function nested(depth: number, leaf: unknown, asArray: boolean): unknown {
  let value = leaf;
  for (let i = 0; i < depth; i += 1) value = asArray ? [value] : { a: value };
  return value;
}

/** Values structured clone can carry (what Electron's IPC delivers), including the nasty ones. */
const cloneableValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(
    null,
    undefined,
    NaN,
    Infinity,
    -Infinity,
    -0,
    0,
    true,
    false,
    '',
    HUGE,
    Number.MAX_SAFE_INTEGER + 2,
    2n ** 70n,
    new Date(Number.NaN),
    new Uint8Array([0xff, 0xd8, 0xff]),
    new Map([['memo', 'x']]),
    new Set([1]),
    [],
    {},
    nested(1_000, 'deep', false),
    nested(2_000, 'deep', true),
    JSON.parse('{"__proto__":{"polluted":true}}'),
    JSON.parse('{"constructor":{"prototype":{"polluted":true}}}'),
  ),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.double(),
  fc.integer(),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 4 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
);

/** An object with own (not inherited) keys named like prototype members: what JSON.parse of a hostile body gives. */
function withOwnKey(base: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> {
  const copy: Record<string, unknown> = JSON.parse(JSON.stringify(base));
  Object.defineProperty(copy, key, { value, enumerable: true, configurable: true, writable: true });
  return copy;
}

function fieldsOf(channel: InvokeChannel): string[] {
  return Object.keys(invokeChannels[channel].shape);
}

/** Malformed payloads of one channel that survive a structured clone (so can arrive over Electron's IPC). */
export function cloneableCorpus(channel: InvokeChannel): fc.Arbitrary<unknown> {
  const example = exampleOf(channel);
  const fields = fieldsOf(channel);
  const variants: fc.Arbitrary<unknown>[] = [
    // not an object at all
    cloneableValue,
    // a known field retyped
    fc.record({ value: cloneableValue, extra: fc.boolean() }).map(({ value, extra }) => ({ ...example, ...(extra ? { x: 1 } : {}), [fields[0] ?? 'x']: value })),
    // an extra field, named like a prototype member or anything else
    fc.tuple(fc.oneof(fc.constantFrom(...POLLUTION_KEYS), fc.string({ minLength: 1, maxLength: 30 })), cloneableValue).map(([key, value]) => withOwnKey(example, key, value)),
    // the whole payload nested, or wrapped in an array (a renderer passing arguments the wrong way)
    fc.constantFrom<unknown>([example], { request: example }, nested(50, example, false)),
  ];
  if (fields.length > 0) {
    variants.push(
      // fields missing
      fc.subarray(fields, { minLength: 1 }).map((drop) => Object.fromEntries(Object.entries(example).filter(([k]) => !drop.includes(k)))),
      // any field retyped, the rest kept
      fc.tuple(fc.constantFrom(...fields), cloneableValue).map(([field, value]) => ({ ...example, [field]: value })),
      // a string field past its length limit
      fc.tuple(fc.constantFrom(...fields), fc.constantFrom(2_001, 70_000, 5_000_000)).map(([field, length]) => ({ ...example, [field]: 'm'.repeat(length) })),
    );
  }
  return fc.oneof(...variants).filter((payload) => survivesClone(payload) && !contractAccepts(channel, payload));
}

/** Electron's IPC structured-clones the arguments; what cannot be cloned (objects nested ~2000 deep) never arrives. */
function survivesClone(payload: unknown): boolean {
  try {
    structuredClone(payload);
    return true;
  } catch {
    return false;
  }
}

/** What only an in-process caller can hand over: prototypes, getters that throw, proxies, functions, cycles. */
export function inProcessOnlyPayloads(channel: InvokeChannel): unknown[] {
  const example = exampleOf(channel);
  const cyclic: Record<string, unknown> = { ...example };
  cyclic.self = cyclic;
  const throwing = Object.defineProperty({ ...example }, fieldsOf(channel)[0] ?? 'boom', {
    enumerable: true,
    get() {
      throw new Error('getter exploded');
    },
  });
  const trap = new Proxy(
    {},
    {
      get() {
        throw new Error('proxy trap');
      },
      ownKeys() {
        throw new Error('proxy trap');
      },
    },
  );
  return [
    cyclic,
    throwing,
    trap,
    () => example,
    Symbol('payload'),
    Object.create(example), // the fields only inherited, none of its own
    nested(100_000, example, false), // deeper than any structured clone carries
    Object.assign(Object.create(null), example, { extra: true }),
  ].filter((payload) => !contractAccepts(channel, payload));
}

// ---- what the answers must be -------------------------------------------------------------------------------

/** Strings of the payload (values and keys) long enough that finding one in the answer means it was echoed. */
export function echoableStrings(payload: unknown, channel: InvokeChannel): string[] {
  // Words an answer may use on its own: its fixed wording and what the contract itself says (field names, options).
  const vocabulary = `Worktrace could not use this request ${JSON.stringify(z.toJSONSchema(invokeChannels[channel]))}`;
  const found = new Set<string>();
  const note = (text: string): void => {
    if (text.length >= 6 && !vocabulary.includes(text)) found.add(text.slice(0, 64));
  };
  const seen = new Set<unknown>();
  const visit = (value: unknown, depth: number): void => {
    if (depth > 20 || value === null) return;
    if (typeof value === 'string') {
      note(value);
      return;
    }
    if (typeof value !== 'object' || seen.has(value)) return;
    seen.add(value);
    let keys: string[];
    try {
      keys = Object.keys(value);
    } catch {
      return;
    }
    for (const key of keys) {
      note(key);
      let child: unknown;
      try {
        child = (value as Record<string, unknown>)[key];
      } catch {
        continue;
      }
      visit(child, depth + 1);
    }
  };
  visit(payload, 0);
  return [...found];
}

/** An error envelope with a code and a short message that quotes nothing of the payload. */
export function expectRefusal(answer: Envelope<AppState>, echoable: readonly string[], codes: readonly string[]): string {
  expect(answer.ok).toBe(false);
  if (answer.ok) return '';
  const { code, message } = answer.error;
  expect(codes).toContain(code);
  expect(typeof message).toBe('string');
  expect(message.length).toBeGreaterThan(0);
  expect(message.length).toBeLessThanOrEqual(500);
  expect(message).not.toContain(HUGE_MARKER);
  for (const text of echoable) expect(message, `the answer quotes "${text}"`).not.toContain(text);
  return code;
}

// ---- what is recorded -----------------------------------------------------------------------------------------

/**
 * Everything the agent has recorded, as one comparable value: every table of the SQLite file read through a second,
 * read-only connection (BLOBs as hashes), plus every other file in the data directory hashed.
 */
export function recordedContents(dataDir: string, dbFile = 'worktrace.db'): Record<string, unknown> {
  const db = new Database(join(dataDir, dbFile), { readonly: true, fileMustExist: true });
  try {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all() as string[];
    const contents: Record<string, unknown> = {};
    for (const table of tables) {
      // Some tables are WITHOUT ROWID: rows are compared as a sorted set instead.
      const rows = db.prepare(`SELECT * FROM "${table}"`).all() as Record<string, unknown>[];
      contents[table] = rows
        .map((row) => JSON.stringify(Object.entries(row).map(([k, v]) => [k, Buffer.isBuffer(v) ? `sha256:${createHash('sha256').update(v).digest('hex')}` : v])))
        .sort();
    }
    for (const name of readdirSync(dataDir).sort()) {
      if (name.startsWith(dbFile)) continue;
      try {
        contents[`file:${name}`] = createHash('sha256').update(readFileSync(join(dataDir, name))).digest('hex');
      } catch {
        contents[`file:${name}`] = 'not a file';
      }
    }
    return contents;
  } finally {
    db.close();
  }
}

/** How much of the store is evidence: the corpus is pointless against an empty one. */
export function recordedCounts(contents: Record<string, unknown>): { segments: number; minutes: number; screenshots: number; outbox: number } {
  const count = (table: string) => (Array.isArray(contents[table]) ? (contents[table] as unknown[]).length : 0);
  return { segments: count('segments'), minutes: count('minutes'), screenshots: count('screenshots'), outbox: count('outbox') };
}

// ---- a store with evidence in it ------------------------------------------------------------------------------

export type Invoke = (channel: string, request: unknown) => Promise<Envelope<AppState>>;

/**
 * Signs in against the live server (screenshots on, 60 s segments), then the server goes away and the freelancer
 * tracks offline for a little over two segments with input: the store holds minutes, screenshots and a pending
 * outbox, and every later request that would reach the network fails fast (connection refused).
 */
export async function recordWorkOffline(
  invoke: Invoke,
  rig: { clock: { advanceAsync(ms: number): Promise<void> }; input: { add(counts: { keyboard?: number; moves?: number }): void } },
  server: { url: string; contractId: string; token(who: 'client'): Promise<string>; api(method: string, path: string, o: { token: string; json: unknown }): Promise<{ status: number }>; close(): Promise<void> },
  freelancer: { email: string; password: string },
): Promise<void> {
  const clientToken = await server.token('client');
  expect((await server.api('PUT', `/contracts/${server.contractId}/policy`, { token: clientToken, json: { screenshots: 'on' } })).status).toBe(200);
  expect((await invoke('auth:sign-in', { serverUrl: server.url, email: freelancer.email, password: freelancer.password })).ok).toBe(true);
  await server.close();
  expect((await invoke('tracking:start', { contractId: server.contractId, memo: 'before the corpus' })).ok).toBe(true);
  for (let second = 0; second < 150; second += 1) {
    rig.input.add({ keyboard: 2, moves: 1 });
    await rig.clock.advanceAsync(1000);
  }
  expect((await invoke('tracking:stop', {})).ok).toBe(true);
}
