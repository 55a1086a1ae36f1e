/**
 * The input worker: a separate process (child_process.fork from the CLI, Electron's utilityProcess in the app) that
 * hosts uiohook-napi, counts events and reports the counts to the agent about once a second. It exists because
 * uiohook-napi aborts its whole process when there is no X display or no RECORD extension; here an abort ends only
 * this worker.
 *
 * It dies with the agent: when the channel to it closes (the agent exited or was killed) it exits.
 */
import { uIOhook } from 'uiohook-napi';
import { parentLink } from './worker-parent.js';
import { isParentMessage, type WorkerMessage } from './worker-protocol.js';

const REPORT_EVERY_MS = 1000;

const counts = { keyboard: 0, clicks: 0, wheel: 0, moves: 0 };

function noParent(): never {
  console.error('uiohook-worker must be started by the agent with a channel to it (fork or utilityProcess)');
  process.exit(2);
}

const parent = parentLink() ?? noParent();

function send(message: WorkerMessage, then?: () => void): void {
  parent.send(message, then);
}

function reportCounts(then?: () => void): void {
  if (counts.keyboard + counts.clicks + counts.wheel + counts.moves === 0) {
    then?.();
    return;
  }
  const batch = { ...counts };
  counts.keyboard = counts.clicks = counts.wheel = counts.moves = 0;
  send({ type: 'counts', counts: batch }, then);
}

function shutdown(): void {
  try {
    uIOhook.stop();
  } catch {
    // Exiting anyway: the hook thread ends with the process.
  }
  process.exit(0);
}

parent.onParentGone(shutdown);
parent.onMessage((raw) => {
  if (isParentMessage(raw)) reportCounts(shutdown);
});

// Counting only: no key codes, positions or buttons leave this process.
uIOhook.on('keydown', () => {
  counts.keyboard += 1;
});
uIOhook.on('mousedown', () => {
  counts.clicks += 1;
});
uIOhook.on('wheel', () => {
  counts.wheel += 1;
});
uIOhook.on('mousemove', () => {
  counts.moves += 1;
});

try {
  uIOhook.start();
  setInterval(() => reportCounts(), REPORT_EVERY_MS);
  send({ type: 'ready' });
} catch (error) {
  send({ type: 'failed', message: error instanceof Error ? error.message : String(error) }, () => process.exit(1));
}
