import { PrivateWindowMatcher } from '../../src/shared/privacy/index.js';
import { openNativeX11 } from '../../src/main/native/x11.js';
import { privateWindowDecision } from '../../src/main/sensors/native/native-screen-capturer.js';
import { startDisplay, type TestDisplay } from '../../tests/support/display.js';
import { percentile, round } from './measure.js';

/**
 * What painting private windows out costs a capture at 1920x1080, with 0, 5 and 50 top-level windows on the screen:
 * the same grab with and without the private-window decision, interleaved run by run so both see the same load.
 * "With" is the whole redaction path the agent runs: the server grab, the window stack read (XCB), the decision by
 * the shared matcher (4 rules; every window matches, so every visible pixel of every window is painted: the worst
 * case), the plan and the painting. The encoder's figures follow with and without, as the agent's JPEG path.
 */
export interface RedactionFigures {
  readonly windows: number;
  readonly runs: number;
  /** p50 of the raw grab (captureComposite, RGB) without and with redaction, ms. */
  readonly grabP50Ms: number;
  readonly redactedGrabP50Ms: number;
  /** p50 of the per-run difference (with minus without), ms: the cost of redaction. */
  readonly redactionCostP50Ms: number;
  /**
   * This process's CPU per capture, with minus without, ms (mean): the matcher, the plan and the painting, without
   * the waits for the X server that the wall-clock difference includes (which a loaded machine stretches).
   */
  readonly redactionCpuMs: number;
  readonly hiddenWindows: number;
  /** p50 of capture + encode (captureJpeg, 1280 px) without and with, ms. */
  readonly jpegP50Ms: number;
  readonly redactedJpegP50Ms: number;
}

const RULES = new PrivateWindowMatcher([
  { kind: 'title', pattern: '*secret*' },
  { kind: 'title', pattern: 'Chart of *' },
  { kind: 'app', pattern: 'keepassxc' },
  { kind: 'app', pattern: 'xmessage' },
]);

/** Opens `count` more small windows (xmessage: one light X client each), spread over the screen. */
function openWindows(display: TestDisplay, from: number, count: number): void {
  for (let i = from; i < from + count; i += 1) {
    const x = (i * 173) % 1600;
    const y = (i * 97) % 820;
    display.spawnClient('xmessage', ['-name', `secret-${i}`, '-title', `secret window ${i}`, '-geometry', `320x220+${x}+${y}`, `window ${i}`]);
  }
}

async function waitForWindows(display: TestDisplay, count: number): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const out = display.run('sh', ['-c', 'xdotool search --onlyvisible --class xmessage 2>/dev/null | wc -l || true']);
    if (Number(out.trim()) >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`fewer than ${count} windows appeared`);
}

export async function benchRedaction(runs: number): Promise<RedactionFigures[]> {
  const display = await startDisplay({ width: 1920, height: 1080 });
  const opened = openNativeX11({ display: display.display });
  if (!opened.ok) {
    await display.stop();
    throw opened.error;
  }
  const session = opened.x11.session;
  const decide = privateWindowDecision((window) => RULES.matches(window));
  const figures: RedactionFigures[] = [];
  try {
    let open = 0;
    for (const windows of [0, 5, 50]) {
      openWindows(display, open, windows - open);
      open = windows;
      if (windows > 0) await waitForWindows(display, windows);
      await new Promise((resolve) => setTimeout(resolve, 1000)); // let them paint
      const plain: number[] = [];
      const redacted: number[] = [];
      const cost: number[] = [];
      let cpuPlain = 0;
      let cpuRedacted = 0;
      let hidden = 0;
      const cpu = () => {
        const used = process.cpuUsage();
        return (used.user + used.system) / 1000;
      };
      for (let i = -3; i < runs; i += 1) {
        const c0 = cpu();
        const t0 = process.hrtime.bigint();
        session.captureComposite(3);
        const t1 = process.hrtime.bigint();
        const c1 = cpu();
        hidden = session.captureComposite(3, decide).redactedWindows ?? 0;
        const t2 = process.hrtime.bigint();
        const c2 = cpu();
        if (i < 0) continue; // warm-up
        const a = Number(t1 - t0) / 1e6;
        const b = Number(t2 - t1) / 1e6;
        plain.push(a);
        redacted.push(b);
        cost.push(b - a);
        cpuPlain += c1 - c0;
        cpuRedacted += c2 - c1;
      }
      const jpegPlain: number[] = [];
      const jpegRedacted: number[] = [];
      for (let i = -1; i < Math.max(3, Math.floor(runs / 4)); i += 1) {
        const t0 = process.hrtime.bigint();
        await session.captureJpeg!('all', {});
        const t1 = process.hrtime.bigint();
        await session.captureJpeg!('all', {}, decide);
        const t2 = process.hrtime.bigint();
        if (i < 0) continue;
        jpegPlain.push(Number(t1 - t0) / 1e6);
        jpegRedacted.push(Number(t2 - t1) / 1e6);
      }
      figures.push({
        windows,
        runs,
        grabP50Ms: round(percentile(plain, 50)),
        redactedGrabP50Ms: round(percentile(redacted, 50)),
        redactionCostP50Ms: round(percentile(cost, 50)),
        redactionCpuMs: round((cpuRedacted - cpuPlain) / runs),
        hiddenWindows: hidden,
        jpegP50Ms: round(percentile(jpegPlain, 50)),
        redactedJpegP50Ms: round(percentile(jpegRedacted, 50)),
      });
    }
  } finally {
    session.close();
    await display.stop();
  }
  return figures;
}
