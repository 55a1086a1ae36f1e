import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AppState, Envelope } from '../../../../src/shared/ipc/index.js';
import { createLogger } from '../../../../src/main/log.js';
import { fakeElectron, type FakeBrowserWindow } from '../../../support/fake-electron.js';
import { FakeClock } from '../../../support/fake-clock.js';
import { DEMO_PASSWORDS, startLiveServer } from '../../../integration/sync/support/live-server.js';
import { FakeInput, FakeWindow } from '../tracking/support/fakes.js';
import { CHANNELS, cloneableCorpus, echoableStrings, expectRefusal, recordWorkOffline, recordedContents, recordedCounts } from './ipc-corpus.js';
import { greyCapturer } from './support.js';

vi.mock('electron', async () => (await import('../../../support/fake-electron.js')).fakeElectron.module);

const { startShell } = await import('../../../../src/main/electron/shell.js');

/**
 * The same generated corpus as ipc-corpus.test.ts, this time through the real ipcMain handlers of the Electron shell
 * (fake electron module): each payload goes through a structured clone first, as Electron's IPC does, and arrives
 * from the trusted page, then from senders that are not. The store holds recorded minutes and screenshots and must
 * come out identical.
 */
const RUNS_PER_CHANNEL = 100;
const SEED = 20261127;

describe('Electron IPC handlers against a generated corpus of malformed payloads', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'wt-ipc-corpus-'));
  const rendererIndex = join(dataDir, 'renderer', 'index.html');
  const pageUrl = pathToFileURL(rendererIndex).href;
  const clock = new FakeClock({ wallMs: Math.floor(Date.now() / 60_000) * 60_000 + 1_000 });
  const input = new FakeInput();
  let shell: NonNullable<Awaited<ReturnType<typeof startShell>>>;
  let window: FakeBrowserWindow;
  let before: Record<string, unknown>;

  const trusted = () => ({ sender: window.webContents, senderFrame: { url: pageUrl, parent: null } });
  /** What ipcRenderer.invoke(channel, ...args) delivers: a structured clone of the arguments. */
  const invoke = (channel: string, event: unknown, ...args: unknown[]) =>
    fakeElectron.ipcMain.invoke(channel, event, ...args.map((arg) => structuredClone(arg))) as Promise<Envelope<AppState>>;

  beforeAll(async () => {
    const server = await startLiveServer({ clock, segmentSeconds: 60 });
    const started = await startShell({
      rendererIndex,
      preloadPath: join(dataDir, 'preload', 'preload.cjs'),
      dataDir,
      clock,
      logger: createLogger({ level: 'silent' }),
      sensors: () => ({ input, window: new FakeWindow(), capturer: greyCapturer, close: () => undefined }),
    });
    if (!started) throw new Error('the shell did not start');
    shell = started;
    window = fakeElectron.windows.at(-1)!;
    await recordWorkOffline((channel, request) => invoke(channel, trusted(), request), { clock, input }, server, DEMO_PASSWORDS.freelancer);
    before = recordedContents(dataDir);
  });
  afterAll(async () => {
    await shell?.quit();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts from a store with recorded minutes, screenshots and a pending outbox', () => {
    const counts = recordedCounts(before);
    expect(counts.minutes).toBeGreaterThanOrEqual(2);
    expect(counts.screenshots).toBeGreaterThanOrEqual(1);
    expect(counts.outbox).toBeGreaterThanOrEqual(1);
  });

  for (const channel of CHANNELS) {
    it(`${channel}: ${RUNS_PER_CHANNEL} malformed payloads from the page each get BAD_REQUEST and change nothing`, async () => {
      const extraArgs = fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 2 });
      await fc.assert(
        fc.asyncProperty(cloneableCorpus(channel), extraArgs, async (payload, extra) => {
          const answer = await invoke(channel, trusted(), payload, ...extra);
          expectRefusal(answer, echoableStrings(payload, channel), ['BAD_REQUEST']);
        }),
        { numRuns: RUNS_PER_CHANNEL, seed: SEED },
      );
      expect(recordedContents(dataDir)).toEqual(before);
    });
  }

  it('refuses the corpus from senders that are not the page before looking at it', async () => {
    const sender = fc.constantFrom<unknown>(
      null,
      undefined,
      {},
      'window',
      { sender: {}, senderFrame: { url: pageUrl, parent: null } },
      { sender: null, senderFrame: null },
      JSON.parse('{"__proto__":{"sender":1}}'),
    );
    const anyChannel = fc.constantFrom(...CHANNELS).chain((channel) => fc.tuple(fc.constant(channel), cloneableCorpus(channel)));
    await fc.assert(
      fc.asyncProperty(sender, anyChannel, async (event, [channel, payload]) => {
        expectRefusal(await invoke(channel, event, payload), echoableStrings(payload, channel), ['UNTRUSTED_SENDER']);
      }),
      { numRuns: 200, seed: SEED },
    );
    const subframe = { sender: window.webContents, senderFrame: { url: pageUrl, parent: {} } };
    expectRefusal(await invoke('tracking:start', subframe, { contractId: 'x', memo: null }), [], ['UNTRUSTED_SENDER']);
    expect(recordedContents(dataDir)).toEqual(before);
  });

  it('still serves the page afterwards, with every recorded screenshot and the time intact', async () => {
    expect(Object.prototype).not.toHaveProperty('polluted');
    const answer = await invoke('state:get', trusted(), {});
    expect(answer.ok).toBe(true);
    if (answer.ok) {
      expect(answer.value.recentScreenshots).toHaveLength(recordedCounts(before).screenshots);
      expect(answer.value.tracking.weekMs).toBeGreaterThanOrEqual(120_000);
    }
    expect(recordedContents(dataDir)).toEqual(before);
  });
});
