import { fileURLToPath } from 'node:url';
import type { InputCounts } from '../../src/main/sensors/types.js';
import type { TestDisplay } from '../../tests/support/display.js';
import { startProbe, type WindowsProbe } from '../../tests/wine/support/probe-client.js';
import type { WineLane } from '../../tests/wine/support/wine-lane.js';
import { percentile, processCpuMs, round } from '../native/measure.js';

export type InputPath = 'native' | 'uiohook';

/** What a path counted; samePoint: moves to the previous move's point, seen by uiohook-napi only (0 for native). */
export type WineCounts = InputCounts & { readonly samePoint: number };

/** One stretch of the same input: a key press, a click and a pointer move each count as one action sent. */
export interface InputSent {
  readonly keys: number;
  readonly clicks: number;
  readonly moves: number;
}

export interface WineInputFigures {
  readonly loadMs: number;
  readonly startMsP50: number;
  readonly startCpuMsP50: number;
  /** CPU of the hooking process (every thread) per 1000 actions sent. */
  readonly cpuMsPer1000: number;
  /** CPU of the prefix's wineserver over the same stretches (it routes every event to the hook), per 1000. */
  readonly wineserverCpuMsPer1000: number;
  /** What each run counted, in order. */
  readonly counted: WineCounts[];
}

export interface WineInputRun {
  readonly sent: InputSent;
  readonly rounds: number;
  readonly native: WineInputFigures;
  readonly uiohook: WineInputFigures;
  /**
   * Stretches with both paths hooked at once, on the same events: keys and clicks alone, then moves alone. Keys and
   * clicks must agree. Moves need not: the native hook counts a move only to a point other than the last one counted;
   * uiohook-napi (libuiohook) drops only a move to the last click's point, so it counts repeated points and misses the
   * pointer's return to where it last clicked.
   */
  readonly together: {
    readonly keysAndClicks: { readonly sent: InputSent; readonly native: WineCounts; readonly uiohook: WineCounts };
    readonly moves: { readonly sent: InputSent; readonly native: WineCounts; readonly uiohook: WineCounts };
  };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const actions = (sent: InputSent): number => sent.keys + sent.clicks + sent.moves;
const sum = (c: InputCounts): number => c.keyboard + c.clicks + c.wheel + c.moves;

/**
 * Keys, clicks, then moves at about 200 Hz, all inside the Wine window (Wine sees no input to plain X windows).
 * Wine merges motion events that are queued together, the more so the busier the machine: the moves counted are
 * fewer than sent, differently from run to run, which is why CPU is per action sent and both paths share the runs.
 */
function sendInput(display: TestDisplay, window: number, sent: InputSent): void {
  display.run('xdotool', ['windowactivate', '--sync', String(window)]);
  if (sent.keys > 0) display.run('xdotool', ['key', '--delay', '2', ...Array.from({ length: sent.keys }, (_, i) => (i % 40 === 39 ? 'Return' : 'a'))]);
  if (sent.clicks > 0) display.run('xdotool', ['mousemove', '--window', String(window), '400', '300', 'click', '--repeat', String(sent.clicks), '--delay', '8', '1']);
  const chunk = 250;
  for (let done = 0; done < sent.moves; done += chunk) {
    const args: string[] = [];
    for (let i = done; i < Math.min(sent.moves, done + chunk); i += 1) {
      args.push('mousemove', '--window', String(window), String(60 + (i % 880)), String(90 + ((i * 7) % 540)), 'sleep', '0.005');
    }
    display.run('xdotool', args);
  }
}

/** Polls until nothing more arrives: Wine may merge queued moves, so "all sent were counted" is not the end. */
async function settle(probes: readonly WindowsProbe[]): Promise<void> {
  let last = -1;
  for (let stable = 0; stable < 3; ) {
    await sleep(300);
    const totals = await Promise.all(probes.map((p) => p.call<InputCounts>('input.total')));
    const now = totals.reduce((acc, t) => acc + sum(t), 0);
    stable = now === last ? stable + 1 : 0;
    last = now;
  }
}

interface Stretch {
  readonly startMs: number;
  readonly startCpuMs: number;
  readonly cpuMs: number;
  readonly wineserverCpuMs: number;
  readonly counts: WineCounts;
}

/**
 * The native low-level hooks against uiohook-napi under the Windows node, each in its own Windows process, on the
 * same xdotool input to a Wine window. Runs alternate (A B, B A, ...) so that drift in the machine's load falls on
 * both; then one stretch with both hooked at once compares the counts on identical events.
 */
export async function benchWineInput(lane: WineLane, display: TestDisplay, window: number, wineserver: number, sent: InputSent, rounds: number): Promise<WineInputRun> {
  const script = fileURLToPath(new URL('./windows-side.mjs', import.meta.url));
  const env = { PREBUILDS_ONLY: '1' };
  const probes = { native: await startProbe(lane, env, script), uiohook: await startProbe(lane, env, script) };
  try {
    const loadMs = {
      native: (await probes.native.call<{ loadMs: number }>('input.load', { path: 'native' })).loadMs,
      uiohook: (await probes.uiohook.call<{ loadMs: number }>('input.load', { path: 'uiohook' })).loadMs,
    };
    const stretches: Record<InputPath, Stretch[]> = { native: [], uiohook: [] };
    const stretch = async (paths: readonly InputPath[], input = sent): Promise<Stretch[]> => {
      const begun = await Promise.all(paths.map((p) => probes[p].call<{ startMs: number }>('input.begin')));
      const serverBefore = processCpuMs(wineserver);
      sendInput(display, window, input);
      await settle(paths.map((p) => probes[p]));
      const ended = await Promise.all(paths.map((p) => probes[p].call<{ counts: WineCounts; cpuMs: number; startCpuMs: number }>('input.end')));
      const wineserverCpuMs = processCpuMs(wineserver) - serverBefore;
      return ended.map((e, i) => ({ startMs: begun[i]!.startMs, startCpuMs: e.startCpuMs, cpuMs: e.cpuMs, wineserverCpuMs, counts: e.counts }));
    };
    await stretch(['native']); // warm-up: Notepad's first screenfuls of text, Wine's first hook
    await stretch(['uiohook']);
    for (let round = 0; round < rounds; round += 1) {
      const order: InputPath[] = round % 2 === 0 ? ['native', 'uiohook'] : ['uiohook', 'native'];
      for (const path of order) stretches[path].push((await stretch([path]))[0]!);
    }
    const together = async (input: InputSent): Promise<{ sent: InputSent; native: WineCounts; uiohook: WineCounts }> => {
      const [native, uiohook] = await stretch(['native', 'uiohook'], input);
      return { sent: input, native: native!.counts, uiohook: uiohook!.counts };
    };
    const keysAndClicks = await together({ ...sent, moves: 0 });
    const moves = await together({ keys: 0, clicks: 0, moves: sent.moves });
    const figures = (path: InputPath): WineInputFigures => {
      const runs = stretches[path];
      const per1000 = (ms: number): number => round((ms / (runs.length * actions(sent))) * 1000);
      return {
        loadMs: round(loadMs[path]),
        startMsP50: round(percentile(runs.map((r) => r.startMs), 50)),
        startCpuMsP50: round(percentile(runs.map((r) => r.startCpuMs), 50)),
        cpuMsPer1000: per1000(runs.reduce((acc, r) => acc + r.cpuMs, 0)),
        wineserverCpuMsPer1000: per1000(runs.reduce((acc, r) => acc + r.wineserverCpuMs, 0)),
        counted: runs.map((r) => r.counts),
      };
    };
    return { sent, rounds, native: figures('native'), uiohook: figures('uiohook'), together: { keysAndClicks, moves } };
  } finally {
    await Promise.all(Object.values(probes).map((p) => p.close()));
  }
}
