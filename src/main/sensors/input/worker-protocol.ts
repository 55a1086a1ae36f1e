import type { InputCounts } from '../types.js';

/**
 * Messages between the agent and the uiohook worker (child_process IPC, JSON). The worker batches:
 * at most one `counts` message a second, never one per event.
 */
export type WorkerMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'counts'; readonly counts: InputCounts }
  /** The hook could not start with a JS error (an abort is seen as the worker's exit signal instead). */
  | { readonly type: 'failed'; readonly message: string };

export type ParentMessage = { readonly type: 'stop' };

export const EMPTY_COUNTS: InputCounts = Object.freeze({ keyboard: 0, clicks: 0, wheel: 0, moves: 0 });

const COUNT_KEYS = ['keyboard', 'clicks', 'wheel', 'moves'] as const;

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** Validates what arrives over IPC: a worker is another process, so its messages are checked. */
export function parseWorkerMessage(raw: unknown): WorkerMessage | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const message = raw as Record<string, unknown>;
  switch (message.type) {
    case 'ready':
      return { type: 'ready' };
    case 'failed':
      return typeof message.message === 'string' ? { type: 'failed', message: message.message } : null;
    case 'counts': {
      const counts = message.counts as Record<string, unknown> | undefined;
      if (typeof counts !== 'object' || counts === null || !COUNT_KEYS.every((k) => isCount(counts[k]))) return null;
      return {
        type: 'counts',
        counts: { keyboard: counts.keyboard as number, clicks: counts.clicks as number, wheel: counts.wheel as number, moves: counts.moves as number },
      };
    }
    default:
      return null;
  }
}

export function isParentMessage(raw: unknown): raw is ParentMessage {
  return typeof raw === 'object' && raw !== null && (raw as { type?: unknown }).type === 'stop';
}
