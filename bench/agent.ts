/**
 * npm run bench:agent: the agent-level targets of issue 5, on a screen this script prepares itself
 * (Xvfb 1920x1080 + openbox, terminals with text, an image).
 *
 *   npm run bench:agent [-- --quick] [-- --out FILE]
 *
 * 1. The real headless agent (`worktrace track --local --screenshots on --segment-seconds 60`) with no
 *    input for two minutes, once with its default backends (native where they load) and once with
 *    WORKTRACE_SENSORS=npm: CPU of its process tree (target <= 0.2% of one core) and its resident
 *    memory (target <= 80 MB).
 * 2. Resident memory over 1000 runs of the capture pipeline with the native capturer, in a child
 *    process (target: flat): once encoding with sharp, once with the addon's own JPEG encoder.
 * Prints a table with both paths and their ratio and writes the figures as JSON (default
 * bench-results/agent-<time>.json). Needs `npm run build` first (it runs dist/main/cli/bin.js).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, resolve } from 'node:path';
import { benchCaptureMemoryInChild } from './agent/capture-memory.js';
import { benchIdleAgent, type IdleAgentFigures } from './agent/idle-agent.js';
import { round } from './native/measure.js';
import { prepareScreen } from './native/screen.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const outIndex = args.indexOf('--out');
const out = resolve(outIndex >= 0 && args[outIndex + 1] ? args[outIndex + 1]! : `bench-results/agent-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);

const ratio = (a: number, b: number): number | null => (b > 0 ? round(a / b, 3) : null);
const yes = (met: boolean | null): string => (met === null ? '' : met ? 'yes' : 'NO');
// "Flat over 1000 captures" asks for no leak: memory that the allocator hands back after warm-up (a negative slope)
// is not growth. The raw slope is printed beside it.
const doesNotGrow = (slopeKbPerCapture: number): boolean => slopeKbPerCapture < 5;
const backendsText = (f: IdleAgentFigures): string => f.backends.map((b) => `${b.sensor}=${b.backend}${b.status === 'ok' ? '' : `(${b.status})`}`).join(' ');

async function main(): Promise<void> {
  if (!existsSync('dist/main/cli/bin.js')) throw new Error('run npm run build first: the benchmark starts dist/main/cli/bin.js');
  const seconds = quick ? 20 : 120;
  const warmupSeconds = quick ? 8 : 20;
  const captures = quick ? 200 : 1000;
  const screen = await prepareScreen();
  const display = screen.display.display;
  try {
    console.log(`bench:agent: screen ${display} ready; idle agent, default (native) backends, ${seconds} s…`);
    const native = await benchIdleAgent('native', display, { seconds, warmupSeconds });
    console.log(`bench:agent: idle agent, WORKTRACE_SENSORS=npm, ${seconds} s…`);
    const npm = await benchIdleAgent('npm', display, { seconds, warmupSeconds });
    console.log(`bench:agent: capture pipeline memory over ${captures} native captures (child process)…`);
    const memory = await benchCaptureMemoryInChild(display, captures);
    console.log(`bench:agent: the same with the native JPEG encoder (no sharp), ${captures} captures…`);
    const memoryJpeg = await benchCaptureMemoryInChild(display, captures, 'jpeg');

    const rows = [
      { metric: 'backends', npm: backendsText(npm), native: backendsText(native), ratio: null, target: '-', met: '' },
      { metric: `agent tree CPU, no input, ${seconds} s (% of one core)`, npm: npm.cpuPercent, native: native.cpuPercent, ratio: ratio(native.cpuPercent, npm.cpuPercent), target: '<= 0.2%', met: yes(native.cpuPercent <= 0.2) },
      { metric: 'agent process alone CPU (% of one core)', npm: npm.agentCpuPercent, native: native.agentCpuPercent, ratio: ratio(native.agentCpuPercent, npm.agentCpuPercent), target: '-', met: '' },
      { metric: 'agent RSS max (MB)', npm: npm.agentRssMbMax, native: native.agentRssMbMax, ratio: ratio(native.agentRssMbMax, npm.agentRssMbMax), target: '<= 80 MB', met: yes(native.agentRssMbMax <= 80) },
      { metric: 'agent RSS mean (MB)', npm: npm.agentRssMbMean, native: native.agentRssMbMean, ratio: ratio(native.agentRssMbMean, npm.agentRssMbMean), target: '-', met: '' },
      { metric: 'agent tree RSS max (MB, with workers)', npm: npm.treeRssMbMax, native: native.treeRssMbMax, ratio: ratio(native.treeRssMbMax, npm.treeRssMbMax), target: '-', met: '' },
      { metric: 'processes in the agent tree (max)', npm: npm.processesInTree, native: native.processesInTree, ratio: null, target: '-', met: '' },
      {
        metric: `capture pipeline RSS over ${memory.captures} native captures (MB)`,
        npm: '-',
        native: `${memory.rssMbAfterWarmup} -> ${memory.rssMbAtEnd} (max ${memory.rssMbMax})`,
        ratio: null,
        target: 'flat',
        met: yes(doesNotGrow(memory.slopeKbPerCapture)),
      },
      { metric: 'capture pipeline RSS slope after warm-up (KB/capture)', npm: '-', native: memory.slopeKbPerCapture, ratio: null, target: '< 5 (no growth)', met: '' },
      {
        metric: `native-JPEG pipeline RSS over ${memoryJpeg.captures} captures (MB)`,
        npm: `sharp: max ${memory.rssMbMax}`,
        native: `${memoryJpeg.rssMbAfterWarmup} -> ${memoryJpeg.rssMbAtEnd} (max ${memoryJpeg.rssMbMax})`,
        ratio: ratio(memoryJpeg.rssMbMax, memory.rssMbMax),
        target: 'flat',
        met: yes(doesNotGrow(memoryJpeg.slopeKbPerCapture)),
      },
      { metric: 'native-JPEG pipeline RSS slope after warm-up (KB/capture)', npm: '-', native: memoryJpeg.slopeKbPerCapture, ratio: null, target: '< 5 (no growth)', met: '' },
    ];
    console.table(rows);
    const figures = {
      at: new Date().toISOString(),
      machine: { cpus: cpus().length, node: process.version },
      screen: '1920x1080 Xvfb + openbox, two xterms with text, an ImageMagick plasma image',
      agent: { native, npm },
      memory,
      memoryJpeg,
      rows,
    };
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify(figures, null, 2)}\n`);
    console.log(`bench:agent: figures written to ${out}`);
  } finally {
    await screen.display.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
