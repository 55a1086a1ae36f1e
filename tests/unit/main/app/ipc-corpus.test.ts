import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invokeChannels } from '../../../../src/shared/ipc/index.js';
import { FakeClock } from '../../../support/fake-clock.js';
import { DEMO_PASSWORDS, startLiveServer } from '../../../integration/sync/support/live-server.js';
import {
  CHANNELS,
  channelsWithoutCorpus,
  cloneableCorpus,
  echoableStrings,
  expectRefusal,
  inProcessOnlyPayloads,
  recordWorkOffline,
  recordedContents,
  recordedCounts,
} from './ipc-corpus.js';
import { expectOk, openService, type ServiceHarness } from './support.js';

/**
 * Issue 8, bad input: a generated corpus of malformed payloads for every channel of the IPC contract, through the
 * Electron-free AppService.invoke, against a real store that holds recorded minutes and screenshots. Each answer is
 * an error envelope with a code that quotes nothing of the payload, and the store is byte-for-byte what it was.
 * (bad-input.test.ts has the hand-written cases: URLs, wrong passwords, an unreachable server.)
 */
const RUNS_PER_CHANNEL = 300;
const SEED = 20261126;

describe('AppService.invoke against a generated corpus of malformed payloads', () => {
  let h: ServiceHarness;
  let before: Record<string, unknown>;
  const clock = new FakeClock({ wallMs: Math.floor(Date.now() / 60_000) * 60_000 + 1_000 });

  beforeAll(async () => {
    const server = await startLiveServer({ clock, segmentSeconds: 60 });
    h = await openService({ clock });
    await recordWorkOffline((c, r) => h.service.invoke(c, r), h, server, DEMO_PASSWORDS.freelancer);
    before = recordedContents(h.dataDir);
  });
  afterAll(async () => {
    await h?.dispose();
  });

  it('has a corpus for every channel of the contract', () => {
    expect(channelsWithoutCorpus()).toEqual([]);
    const counts = recordedCounts(before);
    expect(counts.minutes).toBeGreaterThanOrEqual(2);
    expect(counts.screenshots).toBeGreaterThanOrEqual(1);
    expect(counts.outbox).toBeGreaterThanOrEqual(1);
  });

  for (const channel of CHANNELS) {
    it(`${channel}: ${RUNS_PER_CHANNEL} malformed payloads each get BAD_REQUEST, quote nothing, change nothing`, async () => {
      await fc.assert(
        fc.asyncProperty(cloneableCorpus(channel), async (payload) => {
          const answer = await h.service.invoke(channel, payload);
          expectRefusal(answer, echoableStrings(payload, channel), ['BAD_REQUEST']);
        }),
        { numRuns: RUNS_PER_CHANNEL, seed: SEED },
      );
      for (const payload of inProcessOnlyPayloads(channel)) {
        // Only a caller in the same process can hand these over (they do not survive Electron's structured clone).
        expectRefusal(await h.service.invoke(channel, payload), [], ['BAD_REQUEST', 'INTERNAL']);
      }
      expect(recordedContents(h.dataDir)).toEqual(before);
    });
  }

  it('refuses generated unknown channels, whatever comes with them', async () => {
    const channel = fc.oneof(
      fc.string({ maxLength: 64 }).filter((name) => !Object.hasOwn(invokeChannels, name)),
      fc.constantFrom<unknown>('__proto__', 'constructor', 'hasOwnProperty', 'auth:sign-in ', 'AUTH:SIGN-IN', 'auth:sign-in\0', 'x'.repeat(1_000_000)),
      fc.constantFrom<unknown>(Symbol('auth:sign-in'), ['auth:sign-in'], { toString: () => 'auth:sign-in' }, NaN, 0, null, undefined),
    );
    await fc.assert(
      fc.asyncProperty(channel, fc.jsonValue({ maxDepth: 2 }), async (name, payload) => {
        const echoable = typeof name === 'string' && name.length >= 6 ? [name.slice(0, 64)] : [];
        expectRefusal(await h.service.invoke(name, payload), echoable, ['UNKNOWN_CHANNEL']);
      }),
      { numRuns: 300, seed: SEED },
    );
    expect(recordedContents(h.dataDir)).toEqual(before);
  });

  it('is still whole afterwards: no polluted prototype, a valid state, the recorded work intact', async () => {
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
    const state = expectOk(await h.service.invoke('state:get', {}));
    expect(state.recentScreenshots.length).toBe(recordedCounts(before).screenshots);
    expect(state.tracking.weekMs).toBeGreaterThanOrEqual(120_000);
    expect(recordedContents(h.dataDir)).toEqual(before);
  });
});
