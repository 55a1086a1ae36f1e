// The preload: a sandboxed CommonJS script (Electron's sandbox allows only require('electron') here). The build bundles
// it into one file (scripts/build-renderer.mjs → dist/preload/preload.cjs, 'electron' external), and it carries the
// channel names itself so no zod comes along; the type-only import keeps them equal to the contract.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a sandboxed preload is CommonJS; this is its only import
import electron = require('electron');
import type { AppState, Envelope, EventChannel, InvokeChannel, WorktraceApi } from '../shared/ipc/contract.js';

const INVOKE_CHANNELS = {
  'auth:sign-in': true,
  'auth:sign-out': true,
  'auth:sign-out-everywhere': true,
  'state:get': true,
  'contracts:refresh': true,
  'tracking:start': true,
  'tracking:stop': true,
  'tracking:set-memo': true,
  'screenshots:delete': true,
  'idle:decide': true,
  'settings:launch-at-login': true,
  'sync:now': true,
  'sync:retry-parked': true,
  'permissions:open-settings': true,
  'privacy:add': true,
  'privacy:remove': true,
  'privacy:keep-app-names': true,
  'weeks:show': true,
  'timesheet:save': true,
} satisfies Record<InvokeChannel, true>;

const EVENT_CHANNELS = {
  'state:changed': true,
  'screenshot:taken': true,
  'policy:changed': true,
  'idle:prompt': true,
} satisfies Record<EventChannel, true>;

const isInvokeChannel = (channel: unknown): channel is InvokeChannel => typeof channel === 'string' && Object.hasOwn(INVOKE_CHANNELS, channel);
const isEventChannel = (channel: unknown): channel is EventChannel => typeof channel === 'string' && Object.hasOwn(EVENT_CHANNELS, channel);

const refused = (code: string, message: string): Envelope<AppState> => ({ ok: false, error: { code, message } });

function createApi(ipc: Pick<Electron.IpcRenderer, 'invoke' | 'on' | 'removeListener'>): WorktraceApi {
  return {
    async invoke(channel, request) {
      if (!isInvokeChannel(channel)) return refused('UNKNOWN_CHANNEL', 'Worktrace does not know this action.');
      try {
        return (await ipc.invoke(channel, request)) as Envelope<AppState>;
      } catch {
        return refused('IPC_FAILED', 'Worktrace did not answer: restart the app if this keeps happening.');
      }
    },
    on(channel, listener) {
      if (!isEventChannel(channel) || typeof listener !== 'function') return () => undefined;
      // The page gets the payload only, never the IpcRendererEvent (it would hand out `sender`, i.e. ipcRenderer).
      const forward = (_event: Electron.IpcRendererEvent, payload: unknown) => (listener as (p: unknown) => void)(payload);
      ipc.on(channel, forward);
      return () => {
        ipc.removeListener(channel, forward);
      };
    },
  };
}

electron.contextBridge.exposeInMainWorld('worktrace', createApi(electron.ipcRenderer));
