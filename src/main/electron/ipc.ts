import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { eventChannels, invokeChannels, type AppState, type Envelope, type EventChannel, type EventPayload } from '../../shared/ipc/index.js';

export interface IpcService {
  invoke(channel: unknown, request: unknown): Promise<Envelope<AppState>>;
  on<C extends EventChannel>(channel: C, listener: (payload: EventPayload<C>) => void): () => void;
}

/** Is this invoke from our own page, in its top frame? Anything else (another window, an iframe) is refused. */
export type SenderCheck = (event: IpcMainInvokeEvent) => boolean;

export const UNTRUSTED_SENDER = {
  code: 'UNTRUSTED_SENDER',
  message: 'This request did not come from the Worktrace window and was refused.',
} as const;

/**
 * One ipcMain handler per invoke channel of the contract. The service validates the payload (zod); here the sender
 * is checked first. A handler never throws: the renderer always gets an envelope. Returns the unregister.
 */
export function registerIpcHandlers(ipcMain: IpcMain, service: IpcService, isTrusted: SenderCheck): () => void {
  const channels = Object.keys(invokeChannels);
  for (const channel of channels) {
    ipcMain.handle(channel, async (event, ...args: unknown[]): Promise<Envelope<AppState>> => {
      try {
        if (!trustedSafely(isTrusted, event)) return { ok: false, error: UNTRUSTED_SENDER };
        return await service.invoke(channel, args[0]);
      } catch {
        return { ok: false, error: { code: 'INTERNAL', message: 'Something went wrong inside Worktrace; your recorded time is safe. Try again.' } };
      }
    });
  }
  return () => {
    for (const channel of channels) ipcMain.removeHandler(channel);
  };
}

/** A check that throws (a sender without the expected shape) is a refusal, not a crash. */
function trustedSafely(isTrusted: SenderCheck, event: IpcMainInvokeEvent): boolean {
  try {
    return isTrusted(event) === true;
  } catch {
    return false;
  }
}

/** Forwards the service's events to the page; a window being closed is skipped, never an error. */
export function forwardEvents(service: IpcService, target: () => WebContents | null): () => void {
  const offs = (Object.keys(eventChannels) as EventChannel[]).map((channel) =>
    service.on(channel, (payload) => {
      const contents = target();
      if (contents && !contents.isDestroyed()) contents.send(channel, payload);
    }),
  );
  return () => offs.forEach((off) => off());
}

/** The trusted sender: the main window's own web contents, its top frame, showing the app's page. */
export function senderCheck(window: () => { webContents: WebContents } | null, pageUrl: string): SenderCheck {
  return (event) => {
    const contents = window()?.webContents;
    if (!contents || event?.sender !== contents) return false;
    const frame = event.senderFrame;
    if (!frame || frame.parent !== null) return false;
    return frame.url.split('#')[0] === pageUrl;
  };
}
