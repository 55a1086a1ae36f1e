import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import sharp from 'sharp';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decryptScreenshot, FileKeyStore } from '../../../src/main/crypto/index.js';
import { createLogger } from '../../../src/main/log.js';
import { privateTrackingParts } from '../../../src/main/privacy/index.js';
import { openNativeX11 } from '../../../src/main/native/x11.js';
import { createNativeSensors, type NativeSensors } from '../../../src/main/sensors/native/index.js';
import { databasePath, openStore, type Store } from '../../../src/main/store/index.js';
import { ApiClient, ServerPolicySource, Uploader } from '../../../src/main/sync/index.js';
import { Tracker } from '../../../src/main/tracking/tracker.js';
import type { TestDisplay } from '../../support/display.js';
import { FakeClock } from '../../support/fake-clock.js';
import { decode } from '../../support/image-measures.js';
import { FakeInput, RecordingDecider } from '../../unit/main/tracking/support/fakes.js';
import { eventually, frameGeometry, importRoot, requireAddon, sleep, startTwoMonitorDisplay, waitForWindow, type ScreenRect } from '../native/native-support.js';
import { startLiveServer, type LiveServer } from '../sync/support/live-server.js';

const GREY = 0x3c;
const PATIENT_BG = [0x1a, 0x2b, 0x3c] as const;
const VAULT_BG = [0x3c, 0x1a, 0x2b] as const;
const PATIENT_TITLE = 'Chart of PATIENT 4711';
const VAULT_TITLE = 'bank.kdbx - Vault';
const hex = (rgb: readonly number[]) => `#${rgb.map((c) => c.toString(16).padStart(2, '0')).join('')}`;

/** Lines of text a logger wrote, kept in memory so the test can search them. */
function memoryLog(): { lines: string[]; logger: ReturnType<typeof createLogger> } {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  return { lines, logger: createLogger({ level: 'debug', destination }) };
}

function filesUnder(dir: string): { name: string; bytes: Buffer }[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => ({ name: join(e.parentPath, e.name), bytes: readFileSync(join(e.parentPath, e.name)) }));
}

/**
 * 32-byte pieces of a window's raw pixels as any plaintext copy would hold them: R,G,B (the capture's), R,G,B,A and
 * X's own B,G,R,X, from rows across the window (text rows included), taken from `import -window root`.
 */
function pixelPieces(rgba: Buffer, width: number, rect: ScreenRect): Buffer[] {
  const pieces: Buffer[] = [];
  for (let k = 1; k <= 12; k += 1) {
    const y = rect.y + Math.floor((rect.height * k) / 13);
    const x = rect.x + Math.floor((rect.width * k) / 17);
    const at = (y * width + x) * 4;
    const row = rgba.subarray(at, at + 64);
    const rgb = Buffer.alloc(48);
    const bgrx = Buffer.alloc(64);
    for (let p = 0; p < 16; p += 1) {
      row.copy(rgb, p * 3, p * 4, p * 4 + 3);
      bgrx.set([row[p * 4 + 2]!, row[p * 4 + 1]!, row[p * 4]!, 0], p * 4);
    }
    pieces.push(rgb.subarray(0, 32), row.subarray(0, 32), bgrx.subarray(0, 32));
  }
  return pieces;
}

/** The mean colour of a rectangle of a packed image. */
function meanOf(data: Buffer, width: number, channels: number, r: ScreenRect): number[] {
  const sums = [0, 0, 0];
  for (let y = r.y; y < r.y + r.height; y += 1) {
    for (let x = r.x; x < r.x + r.width; x += 1) for (let c = 0; c < 3; c += 1) sums[c]! += data[(y * width + x) * channels + c]!;
  }
  return sums.map((s) => s / (r.width * r.height));
}

/**
 * Issue 15 end to end with real parts only (time is the test's): two monitors under Xvfb with private terminals on
 * both, the client's list on the real server (set through the API), the freelancer's on the device; the agent's
 * tracker, native capture, store, encryption and uploader; then the decrypted JPEG against `import -window root`, the
 * diary on the server, and every byte on both sides searched for the private windows' pixels and titles.
 */
describe('private windows from the screen to the server', () => {
  let display: TestDisplay;
  let server: LiveServer;
  let dataDir: string;
  let store: Store;
  let native: NativeSensors;
  let reference: Buffer;
  const frames: Record<'patient' | 'invoice' | 'notes' | 'vault', ScreenRect> = {} as never;
  const agentLog = memoryLog();
  let screenshotId: string;
  let segmentId: string;

  const terminal = (cls: string, title: string, bg: readonly number[], geometry: string, text: string): number => {
    display.spawnClient('xterm', ['-class', cls, '-T', title, '-bg', hex(bg), '-fg', '#e8d8c8', '-geometry', geometry, '-hold', '-e', 'sh', '-c', `yes "${text}" | head -12`]);
    const id = waitForWindow(display, cls);
    display.run('xdotool', ['windowraise', String(id)]);
    return id;
  };

  beforeAll(async () => {
    requireAddon();
    display = await startTwoMonitorDisplay();
    const ids = {
      patient: terminal('ChartTerm', PATIENT_TITLE, PATIENT_BG, '80x24+100+100', 'PATIENT 4711 diagnosis'),
      invoice: terminal('InvoiceTerm', 'Invoice draft', [0xf0, 0xf0, 0xd0], '60x15+400+250', 'invoice line'),
      notes: terminal('NotesTerm', 'Notes', [0xd0, 0xf0, 0xf0], '80x24+2100+100', 'meeting notes'),
      vault: terminal('KeePassXC', VAULT_TITLE, VAULT_BG, '60x15+2300+250', 'bank 1234 secret'),
    };
    const minimised = terminal('ListTerm', 'PATIENT list', PATIENT_BG, '40x10+1200+600', 'PATIENT list');
    display.run('xdotool', ['windowminimize', String(minimised)]);
    expect(await eventually(() => display.run('xwininfo', ['-id', String(minimised)]).includes('IsUnMapped'))).toBe(true);
    display.run('xdotool', ['windowactivate', '--sync', String(ids.vault)]); // a private window has the focus
    await sleep(1000);
    for (const key of Object.keys(ids) as (keyof typeof ids)[]) frames[key] = frameGeometry(display, ids[key]);

    server = await startLiveServer({ segmentSeconds: 60 });
    const client = await server.token('client');
    const listed = await server.api('PUT', `/contracts/${server.contractId}/policy`, { token: client, json: { privateWindows: [{ kind: 'title', pattern: '*patient*' }] } });
    expect(listed.status).toBe(200);

    dataDir = mkdtempSync(join(tmpdir(), 'wt-private-pipeline-'));
    store = openStore({ file: databasePath(dataDir), clock: { now: () => Date.now() }, mode: 'server' });
    store.privateWindows.add({ kind: 'app', pattern: 'keepassxc' }); // the freelancer's own, never uploaded
    const opened = createNativeSensors({ display: display.display, channels: 3, area: 'all', output: 'jpeg' });
    if (!opened.ok) throw new Error(opened.reason);
    native = opened.sensors;
    reference = importRoot(display); // the screen stands still from here on
  });

  afterAll(async () => {
    store?.close();
    native?.close();
    await server?.close();
    await display?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('tracks a segment: the screenshot hides both private windows, the time records them as "Private", and both go up', async () => {
    const freelancer = await server.session('freelancer');
    const api = new ApiClient({ serverUrl: server.url, token: freelancer.token });
    // The agent's time starts at the next minute: one whole one-minute segment, after the policy above took effect
    // (the server takes a capture only under a policy in force at its time, and allows this much ahead of its clock).
    const clock = new FakeClock({ wallMs: Math.ceil((Date.now() + 1) / 60_000) * 60_000 });
    const keys = new FileKeyStore(dataDir);
    const policy = new ServerPolicySource({ client: api, cache: store.policies, clock, logger: agentLog.logger, contractId: server.contractId });
    expect(await policy.start()).toBe('changed');
    try {
      expect(policy.current()?.privateWindows).toEqual({ readable: true, rules: [{ kind: 'title', pattern: '*patient*' }] });
      const parts = privateTrackingParts({ store, keys, sensors: { window: native.activeWindow, capturer: native.capturer }, policy, newId: ulid, logger: agentLog.logger });
      const tracker = new Tracker(
        {
          clock,
          input: new FakeInput(),
          window: parts.window,
          sink: store.segments,
          screenshots: parts.screenshots,
          policy,
          decideIdle: new RecordingDecider('keep').decide,
          random: () => 0.5,
          newId: ulid,
        },
        { contractId: server.contractId, memo: 'chart review', windowSampleMs: 1000 },
      );
      const taken = new Promise<string>((resolve, reject) => {
        tracker.on('screenshotTaken', ({ screenshotId: id }) => resolve(id));
        tracker.on('screenshotFailed', ({ error }) => reject(error ?? new Error('nothing kept')));
        tracker.on('screenshotSkipped', ({ reason }) => reject(new Error(`skipped: ${reason}`)));
      });
      tracker.start();
      for (let s = 0; s < 59; s += 1) await clock.advanceAsync(1000);
      await tracker.stop();
      screenshotId = await taken;
    } finally {
      policy.stop();
    }
    const meta = store.screenshots.meta(screenshotId)!;
    segmentId = meta.segmentId;
    expect(meta).toMatchObject({ width: 1280, height: 360, redactedWindows: 2 });
    expect(store.segments.get(segmentId)?.apps.map((a) => [a.app, a.title])).toEqual([['Private', 'Private']]);

    const uploader = new Uploader({ client: api, store, keys, clock, logger: agentLog.logger, account: { server: server.url, userId: freelancer.userId, email: freelancer.email } });
    const report = await uploader.runPass({ everything: true });
    await uploader.stop();
    expect(report.sent).toEqual({ segments: 1, screenshots: 1, deletions: 0 });
    expect(report.refused).toEqual({ segments: 0, screenshots: 0, deletions: 0 });
    const window = `from=${new Date(Date.now() - 3_600_000).toISOString()}&to=${new Date(Date.now() + 3_600_000).toISOString()}`;
    const diary = await server.api('GET', `/contracts/${server.contractId}/diary?${window}`, { token: await server.token('client') });
    const onServer = diary.json.segments.find((s: { id: string }) => s.id === segmentId);
    expect(onServer).toMatchObject({ screenshot: { id: screenshotId, redactedWindows: 2 }, screenshotSkipped: null, apps: [{ app: 'Private', title: 'Private' }] });
  });

  it('the decrypted JPEG: the private windows solid on both monitors, the rest what import -window root sees', async () => {
    const jpeg = decryptScreenshot(await new FileKeyStore(dataDir).loadOrCreate(), screenshotId, store.screenshots.get(screenshotId)!.data);
    const served = await server.api('GET', `/screenshots/${screenshotId}`, { token: await server.token('client') });
    expect(served.bytes.equals(jpeg)).toBe(true); // the server has exactly what the agent made
    const image = await decode(jpeg);
    expect([image.width, image.height]).toEqual([1280, 360]);
    // 3840 -> 1280: a third; inset by a JPEG block so edges mixing with the neighbours are left out.
    const scaled = (r: ScreenRect, inset = 16): ScreenRect => ({
      x: Math.ceil(r.x / 3) + inset,
      y: Math.ceil(r.y / 3) + inset,
      width: Math.floor(r.width / 3) - 2 * inset,
      height: Math.floor(r.height / 3) - 2 * inset,
    });
    const uniform = (r: ScreenRect) => {
      let worst = 0;
      for (let y = r.y; y < r.y + r.height; y += 1) {
        for (let x = r.x; x < r.x + r.width; x += 1) for (let c = 0; c < 3; c += 1) worst = Math.max(worst, Math.abs(image.pixels[(y * 1280 + x) * 3 + c]! - GREY));
      }
      return worst;
    };
    // Right monitor: the vault covers the notes and is grey whole. Left: the chart's part left of the invoice is grey.
    expect(uniform(scaled(frames.vault))).toBeLessThanOrEqual(4);
    const chartLeft: ScreenRect = { ...frames.patient, width: frames.invoice.x - frames.patient.x };
    expect(uniform(scaled(chartLeft))).toBeLessThanOrEqual(4);
    // Ordinary windows keep their look: mean colour within JPEG tolerance of the screen, and texture (text) left in them.
    for (const r of [frames.invoice, { ...frames.notes, height: frames.vault.y - frames.notes.y }]) {
      const seen = meanOf(image.pixels, 1280, 3, scaled(r, 4));
      const truth = meanOf(reference, 3840, 4, r);
      for (let c = 0; c < 3; c += 1) expect(Math.abs(seen[c]! - truth[c]!), `${JSON.stringify(r)} channel ${c}`).toBeLessThan(6);
    }
    // Against the whole screen downscaled by sharp, outside the private windows.
    const { data: small } = await sharp(reference, { raw: { width: 3840, height: 1080, channels: 4 } })
      .removeAlpha()
      .resize(1280, 360, { kernel: 'linear' })
      .raw()
      .toBuffer({ resolveWithObject: true });
    const inPrivate = (x: number, y: number) =>
      [frames.vault, chartLeft].some((r) => x * 3 >= r.x - 48 && x * 3 < r.x + r.width + 48 && y * 3 >= r.y - 48 && y * 3 < r.y + r.height + 48);
    let diff = 0;
    let n = 0;
    for (let y = 0; y < 360; y += 1) {
      for (let x = 0; x < 1280; x += 1) {
        if (inPrivate(x, y)) continue;
        for (let c = 0; c < 3; c += 1) diff += Math.abs(image.pixels[(y * 1280 + x) * 3 + c]! - small[(y * 1280 + x) * 3 + c]!);
        n += 3;
      }
    }
    expect(diff / n).toBeLessThan(5);
  });

  it('leaves no 32-byte piece of a private window’s pixels, nor its title, in any file of the agent or the server, nor in a log', async () => {
    store.db.pragma('wal_checkpoint(TRUNCATE)');
    const needles: { what: string; bytes: Buffer }[] = [];
    for (const [name, rect] of [
      ['chart', { ...frames.patient, width: frames.invoice.x - frames.patient.x }],
      ['vault', frames.vault],
    ] as const) {
      for (const piece of pixelPieces(reference, 3840, rect)) needles.push({ what: `${name} pixels`, bytes: piece });
    }
    for (const title of [PATIENT_TITLE, VAULT_TITLE, 'PATIENT 4711 diagnosis', 'bank 1234 secret']) {
      needles.push({ what: title, bytes: Buffer.from(title, 'utf8') }, { what: `${title} (UTF-16)`, bytes: Buffer.from(title, 'utf16le') });
    }
    const haystacks = [
      ...filesUnder(dataDir),
      ...filesUnder(server.dataDir),
      { name: 'agent log', bytes: Buffer.from(agentLog.lines.join('')) },
      { name: 'server log', bytes: Buffer.from(server.logs()) },
    ];
    expect(haystacks.length).toBeGreaterThan(4);
    // The search would find a leak: an unredacted capture of the same screen holds the R,G,B needles, the screen as
    // import reads it the R,G,B,A ones.
    const opened = openNativeX11({ display: display.display });
    if (!opened.ok) throw opened.error;
    const unredacted = opened.x11.session.captureComposite(3).data;
    opened.x11.session.close();
    const pixelNeedles = needles.filter((n) => n.what.endsWith('pixels'));
    expect(pixelNeedles.filter((n) => unredacted.includes(n.bytes) || reference.includes(n.bytes)).length).toBeGreaterThanOrEqual((pixelNeedles.length * 2) / 3);
    const found = haystacks.flatMap((h) => needles.filter((n) => h.bytes.includes(n.bytes)).map((n) => `${n.what} in ${h.name}`));
    expect(found).toEqual([]);
    // The freelancer's own list never left the device: the server knows only the client's rule.
    expect(Buffer.concat(filesUnder(server.dataDir).map((f) => f.bytes)).includes(Buffer.from('keepassxc'))).toBe(false);
  });
});
