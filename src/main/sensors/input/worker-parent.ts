import type { WorkerMessage } from './worker-protocol.js';

/**
 * The worker's side of the channel to the agent, whichever launcher started it: Node's IPC (child_process.fork, the
 * CLI) or Electron's process.parentPort (utilityProcess.fork, the app). Same messages either way.
 */
export interface ParentLink {
  /** Sends a message; `then` runs once it has left this process (or at once when the parent is gone). */
  send(message: WorkerMessage, then?: () => void): void;
  onMessage(listener: (raw: unknown) => void): void;
  /** The agent went away (exited, was killed): the worker must end too. */
  onParentGone(listener: () => void): void;
}

/** The part of Electron's ParentPort used here (typed locally: only src/main/electron may import Electron). */
interface ParentPortLike {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): unknown;
}

/**
 * postMessage() has no completion callback; a worker that exits right after it could lose its last counts. Mojo
 * hands the message on within a few milliseconds; this leaves ample room and only delays a stop.
 */
const PORT_FLUSH_MS = 100;
/** A utility process gets no 'disconnect': a changed parent pid says the agent is gone. */
const PARENT_CHECK_MS = 1000;

export function parentLink(proc: NodeJS.Process = process): ParentLink | null {
  const port = (proc as unknown as { parentPort?: ParentPortLike | null }).parentPort;
  if (port) return portLink(port, proc);
  if (proc.send) return ipcLink(proc);
  return null;
}

function ipcLink(proc: NodeJS.Process): ParentLink {
  return {
    send(message, then) {
      if (!proc.connected || !proc.send) {
        then?.();
        return;
      }
      proc.send(message, undefined, {}, () => then?.());
    },
    onMessage: (listener) => void proc.on('message', listener),
    onParentGone: (listener) => void proc.on('disconnect', listener),
  };
}

function portLink(port: ParentPortLike, proc: NodeJS.Process): ParentLink {
  return {
    send(message, then) {
      try {
        port.postMessage(message);
      } catch {
        // The parent is gone; the parent check ends this process.
      }
      if (then) setTimeout(then, PORT_FLUSH_MS);
    },
    onMessage: (listener) => void port.on('message', (event) => listener(event.data)),
    onParentGone(listener) {
      const parent = proc.ppid;
      setInterval(() => {
        if (proc.ppid !== parent) listener();
      }, PARENT_CHECK_MS).unref();
    },
  };
}
