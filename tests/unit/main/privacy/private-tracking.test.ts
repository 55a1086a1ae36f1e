import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ulid } from 'ulid';
import { afterEach, describe, expect, it } from 'vitest';
import type { PrivateListRead, PrivateWindowRule, WindowIdentity } from '../../../../src/shared/privacy/index.js';
import { FileKeyStore } from '../../../../src/main/crypto/index.js';
import { createLogger } from '../../../../src/main/log.js';
import { KEEP_APP_NAMES_KEY, privateTrackingParts } from '../../../../src/main/privacy/index.js';
import type { CaptureOptions, CapturedImage, ScreenCapturer, WindowSample } from '../../../../src/main/sensors/types.js';
import { databasePath, openStore, type Store } from '../../../../src/main/store/index.js';
import { Tracker } from '../../../../src/main/tracking/tracker.js';
import { FakeClock } from '../../../support/fake-clock.js';
import { FakeInput, FakePolicy, FakeWindow, RecordingDecider, policy } from '../tracking/support/fakes.js';

/**
 * The tracker with the privacy parts the composition roots build (privateTrackingParts) on a real store: the
 * freelancer's list in the store, the contract's in the policy, the union applied to what is recorded and to the
 * screenshot. The screen is a script: windows with titles and application names, focused one at a time.
 */
const PATIENT: WindowSample = { app: 'Epic', title: 'Chart of Patient 4711', appNames: ['Epic', 'hyperspace'] };
const VAULT: WindowSample = { app: 'KeePassXC', title: 'bank.kdbx - KeePassXC', appNames: ['KeePassXC', 'keepassxc'] };
const NOTES: WindowSample = { app: 'gedit', title: 'notes.txt', appNames: ['gedit'] };
const SCREEN = [PATIENT, VAULT, NOTES];
const CLIENT_RULES: PrivateWindowRule[] = [{ kind: 'title', pattern: '*patient*' }];

/** A capturer that may or may not paint windows out; the one that does asks `isPrivate` about every window on SCREEN. */
class ScriptedCapturer implements ScreenCapturer {
  readonly calls: CaptureOptions[] = [];
  asked: WindowIdentity[] = [];
  constructor(readonly redactsWindows: boolean) {}
  async capture(options: CaptureOptions = {}): Promise<CapturedImage> {
    this.calls.push(options);
    const image = { kind: 'raw', data: Buffer.alloc(64 * 48 * 3, 128), width: 64, height: 48, channels: 3 } as const;
    if (!this.redactsWindows || !options.isPrivate) return image;
    const windows = SCREEN.map((w) => ({ title: w.title, apps: w.appNames ?? [w.app] }));
    this.asked = windows;
    return { ...image, redactedWindows: windows.filter((w) => options.isPrivate!(w)).length };
  }
  state() {
    return { status: 'ok' as const, backend: this.redactsWindows ? 'paints-windows' : 'whole-screen' };
  }
}

interface Rig {
  readonly clock: FakeClock;
  readonly store: Store;
  readonly window: FakeWindow;
  readonly capturer: ScriptedCapturer;
  readonly policy: FakePolicy;
  readonly tracker: Tracker;
  readonly skipped: string[];
}

let cleanup: (() => Promise<void>) | null = null;
afterEach(async () => {
  await cleanup?.();
  cleanup = null;
});

function rig(o: { redacts: boolean; contract?: PrivateListRead; dataDir?: string; focused?: () => WindowSample | null }): Rig {
  const dataDir = o.dataDir ?? mkdtempSync(join(tmpdir(), 'wt-private-'));
  const clock = new FakeClock();
  const store = openStore({ file: databasePath(dataDir), clock, mode: 'server' });
  const window = new FakeWindow(o.focused ?? (() => NOTES));
  const capturer = new ScriptedCapturer(o.redacts);
  const trackingPolicy = new FakePolicy({ ...policy('on', 600), privateWindows: o.contract ?? { readable: true, rules: CLIENT_RULES } });
  const parts = privateTrackingParts({
    store,
    keys: new FileKeyStore(dataDir),
    sensors: { window, capturer },
    policy: trackingPolicy,
    newId: ulid,
    logger: createLogger({ level: 'silent' }),
  });
  const tracker = new Tracker(
    {
      clock,
      input: new FakeInput(),
      window: parts.window,
      sink: store.segments,
      screenshots: parts.screenshots,
      policy: trackingPolicy,
      decideIdle: new RecordingDecider('keep').decide,
      random: () => 0.5,
      newId: ulid,
    },
    { contractId: 'c1', memo: null, windowSampleMs: 1000 },
  );
  const skipped: string[] = [];
  tracker.on('screenshotSkipped', ({ reason }) => skipped.push(reason));
  cleanup = async () => {
    await tracker.stop();
    store.close();
    if (!o.dataDir) rmSync(dataDir, { recursive: true, force: true });
  };
  return { clock, store, window, capturer, policy: trackingPolicy, tracker, skipped };
}

/** Runs a whole ten-minute segment (its screenshot moment is in the middle: random 0.5), then stops: stop() waits for the capture. */
async function segment(r: Rig): Promise<void> {
  for (let s = 0; s < 599; s += 1) await r.clock.advanceAsync(1000);
  await r.tracker.stop();
}

const recorded = (r: Rig) => r.store.segments.list()[0]!;

describe('private windows while tracking (the composition roots’ parts on a real store)', () => {
  it('records a private window as "Private" (application too, unless the freelancer keeps names), others as they are', async () => {
    let focused = PATIENT;
    const r = rig({ redacts: true, focused: () => focused });
    r.store.privateWindows.add({ kind: 'app', pattern: 'keepassxc' });
    r.tracker.start();
    for (const w of [PATIENT, VAULT, NOTES]) {
      focused = w;
      for (let s = 0; s < 60; s += 1) await r.clock.advanceAsync(1000);
    }
    r.store.settings.set(KEEP_APP_NAMES_KEY, '1');
    focused = VAULT;
    for (let s = 0; s < 60; s += 1) await r.clock.advanceAsync(1000);
    await r.tracker.stop();
    const apps = recorded(r).apps.map((a) => `${a.app} / ${a.title}`).sort();
    expect(apps).toEqual(['KeePassXC / Private', 'Private / Private', 'gedit / notes.txt']);
    expect(JSON.stringify(r.store.segments.list())).not.toMatch(/Patient|kdbx|Epic/);
  });

  it('paints out the union of both lists where the capturer can, and the screenshot says how many windows were hidden', async () => {
    const r = rig({ redacts: true });
    r.store.privateWindows.add({ kind: 'app', pattern: 'KEEPASSXC' });
    r.tracker.start();
    await segment(r);
    expect(r.capturer.calls).toHaveLength(1);
    expect(r.capturer.asked.map((w) => w.title)).toEqual(SCREEN.map((w) => w.title));
    const shot = recorded(r).screenshot;
    expect(shot).toMatchObject({ redactedWindows: 2 });
    expect(r.store.screenshots.meta(shot!.id)?.redactedWindows).toBe(2);
    expect(r.skipped).toEqual([]);
  });

  it('asks nothing of the capturer without rules, and records no count', async () => {
    const r = rig({ redacts: true, contract: { readable: true, rules: [] } });
    r.tracker.start();
    await segment(r);
    expect(r.capturer.calls).toEqual([{ blur: false }]);
    expect(recorded(r).screenshot).not.toHaveProperty('redactedWindows');
  });

  it.each([
    ['private window focused', () => PATIENT],
    ['focus unknown', () => null],
  ])('skips the screenshot where the capturer cannot paint windows out: %s (the segment says why)', async (_what, focused) => {
    const r = rig({ redacts: false, focused });
    r.tracker.start();
    await segment(r);
    expect(r.capturer.calls).toEqual([]);
    expect(r.skipped).toEqual(['private-window']);
    expect(recorded(r)).toMatchObject({ screenshot: null, screenshotSkipped: 'private-window' });
    expect(r.tracker.snapshot().segment?.screenshot).toBe('skipped');
    // The skip changed the segment's record: it is queued with a new revision for the server.
    expect(r.store.segments.getForUpload(recorded(r).id)).toMatchObject({ screenshotSkipped: 'private-window', revision: expect.any(Number) });
  });

  it('takes the screenshot on such a capturer while an ordinary window is focused, and drops it when a private one took the focus meanwhile', async () => {
    const plain = rig({ redacts: false, focused: () => NOTES });
    plain.tracker.start();
    await segment(plain);
    expect(plain.capturer.calls).toEqual([{ blur: false }]);
    expect(recorded(plain).screenshot).not.toBeNull();
    await cleanup?.();

    let samples = 0;
    const switched = rig({
      redacts: false,
      focused: () => {
        samples += 1;
        return switched.capturer.calls.length > 0 ? PATIENT : NOTES; // the focus moves during the capture
      },
    });
    switched.tracker.start();
    await segment(switched);
    expect(samples).toBeGreaterThan(0);
    expect(switched.capturer.calls).toHaveLength(1);
    expect(recorded(switched)).toMatchObject({ screenshot: null, screenshotSkipped: 'private-window' });
    expect(switched.store.screenshots.list()).toEqual([]);
  });

  it('fails closed on an unreadable list: no screenshot, and every window recorded as "Private"', async () => {
    const r = rig({ redacts: true, contract: { readable: false, reason: 'rule 1: unknown kind' } });
    r.tracker.start();
    await segment(r);
    expect(r.capturer.calls).toEqual([]);
    expect(r.skipped).toEqual(['private-list-unreadable']);
    expect(recorded(r)).toMatchObject({ screenshot: null, screenshotSkipped: 'private-list-unreadable' });
    expect(recorded(r).apps.map((a) => [a.app, a.title])).toEqual([['Private', 'Private']]);
  });

  it('fails closed on a damaged row in the freelancer’s list', async () => {
    const r = rig({ redacts: true });
    r.store.db.prepare("INSERT INTO private_windows (kind, pattern, folded, added_at) VALUES ('title', '', '', 0)").run();
    r.tracker.start();
    await segment(r);
    expect(r.skipped).toEqual(['private-list-unreadable']);
    expect(r.capturer.calls).toEqual([]);
  });

  it('applies a rule added while tracking runs from the next window sample on', async () => {
    const r = rig({ redacts: true, focused: () => NOTES });
    r.tracker.start();
    for (let s = 0; s < 60; s += 1) await r.clock.advanceAsync(1000);
    r.store.privateWindows.add({ kind: 'title', pattern: 'notes.*' });
    for (let s = 0; s < 60; s += 1) await r.clock.advanceAsync(1000);
    await r.tracker.stop();
    const apps = Object.fromEntries(recorded(r).apps.map((a) => [`${a.app} / ${a.title}`, a.seconds]));
    expect(apps['gedit / notes.txt']).toBeGreaterThanOrEqual(58);
    expect(apps['Private / Private']).toBeGreaterThanOrEqual(58);
  });

  it('counts the skip as the segment’s one moment: a restarted agent does not capture it again', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'wt-private-restart-'));
    try {
      const first = rig({ redacts: false, focused: () => PATIENT, dataDir });
      first.tracker.start();
      for (let s = 0; s < 400; s += 1) await first.clock.advanceAsync(1000);
      expect(first.skipped).toEqual(['private-window']);
      await cleanup?.();
      cleanup = null;
      const second = rig({ redacts: false, focused: () => NOTES, dataDir });
      second.clock.setWall(first.clock.now()); // the same moment, inside the same segment
      second.tracker.start();
      for (let s = 0; s < 150; s += 1) await second.clock.advanceAsync(1000);
      expect(second.tracker.snapshot().segment).toMatchObject({ continued: true });
      expect(second.capturer.calls).toEqual([]);
    } finally {
      await cleanup?.();
      cleanup = null;
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
