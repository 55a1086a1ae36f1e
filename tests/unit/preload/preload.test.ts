import { EventEmitter } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runInNewContext } from 'node:vm';
import { describe, expect, it, vi } from 'vitest';
import { builtPaths } from '../../../src/main/electron/paths.js';
import { eventChannels, invokeChannels, type WorktraceApi } from '../../../src/shared/ipc/index.js';

/** The file the shell's webPreferences.preload names: the one `npm run build` bundles (scripts/build-renderer.mjs). */
const builtPreload = builtPaths(fileURLToPath(new URL('../../../dist/main/electron', import.meta.url))).preloadPath;

function builtSource(): string {
  if (!existsSync(builtPreload)) throw new Error(`${builtPreload} is missing: run npm run build (it bundles the preload)`);
  return readFileSync(builtPreload, 'utf8');
}

/**
 * Runs the BUILT preload as Electron's sandbox does: CommonJS, in its own context, where require() knows only
 * 'electron' and throws for anything else (a ../shared/*.js require would fail here as it fails in the sandbox).
 * Electron's part (contextBridge, ipcRenderer) is played by the test.
 */
function loadPreload(outputText = builtSource()) {
  const exposed = new Map<string, unknown>();
  const ipc = Object.assign(new EventEmitter(), { invoke: vi.fn(async (channel: string, request: unknown) => ({ ok: true, value: { channel, request } })) });
  const electron = { contextBridge: { exposeInMainWorld: (key: string, api: unknown) => exposed.set(key, api) }, ipcRenderer: ipc };
  const required: string[] = [];
  const sandboxRequire = (name: string) => {
    required.push(name);
    if (name !== 'electron') throw new Error(`module not found: ${name}`);
    return electron;
  };
  const module = { exports: {} };
  runInNewContext(outputText, { require: sandboxRequire, module, exports: module.exports });
  return { exposed, ipc, required };
}

describe('preload: exactly WorktraceApi on window.worktrace, nothing else', () => {
  it('is one bundled file whose only require is electron', () => {
    const requires = [...builtSource().matchAll(/\brequire\s*\(\s*(['"`])([^'"`]*)\1\s*\)/g)].map((m) => m[2]);
    expect(requires).toEqual(['electron']);
    expect(builtSource()).not.toMatch(/\bimport\s*\(|\bfrom\s+['"]/); // no ESM left for the sandbox to choke on
  });

  it('the stand-in sandbox refuses what Electron\'s refuses: a preload that requires a shared file fails to load', () => {
    const unbundled = `require('../shared/ipc/contract.js');\n${builtSource()}`;
    expect(() => loadPreload(unbundled)).toThrow(/module not found: \.\.\/shared\/ipc\/contract\.js/);
  });

  it('exposes one object with invoke and on, and requires only electron', () => {
    const { exposed, required } = loadPreload();
    expect([...exposed.keys()]).toEqual(['worktrace']);
    const api = exposed.get('worktrace') as Record<string, unknown>;
    expect(Object.keys(api).sort()).toEqual(['invoke', 'on']);
    expect(JSON.stringify(api)).not.toContain('ipcRenderer');
    expect(required).toEqual(['electron']);
  });

  it('passes every contract channel to main and refuses others without reaching main', async () => {
    const { exposed, ipc } = loadPreload();
    const api = exposed.get('worktrace') as WorktraceApi;
    for (const channel of Object.keys(invokeChannels)) {
      expect(await api.invoke(channel as 'state:get', {})).toEqual({ ok: true, value: { channel, request: {} } });
    }
    expect(ipc.invoke).toHaveBeenCalledTimes(Object.keys(invokeChannels).length);
    for (const channel of ['evil', '__proto__', 'hasOwnProperty', 42, null]) {
      const answer = await api.invoke(channel as 'state:get', {});
      expect(answer).toEqual({ ok: false, error: expect.objectContaining({ code: 'UNKNOWN_CHANNEL' }) });
    }
    expect(ipc.invoke).toHaveBeenCalledTimes(Object.keys(invokeChannels).length);
  });

  it('turns a failed invoke into an error envelope', async () => {
    const { exposed, ipc } = loadPreload();
    ipc.invoke.mockRejectedValueOnce(new Error("No handler registered for 'state:get'"));
    const answer = await (exposed.get('worktrace') as WorktraceApi).invoke('state:get', {});
    expect(answer).toEqual({ ok: false, error: expect.objectContaining({ code: 'IPC_FAILED' }) });
  });

  it('delivers event payloads (never the IPC event) and unsubscribes', () => {
    const { exposed, ipc } = loadPreload();
    const api = exposed.get('worktrace') as WorktraceApi;
    for (const channel of Object.keys(eventChannels)) {
      const seen: unknown[] = [];
      const off = api.on(channel as 'idle:prompt', (payload) => seen.push(payload));
      ipc.emit(channel, { sender: ipc }, { n: 1 });
      off();
      ipc.emit(channel, { sender: ipc }, { n: 2 });
      expect(seen).toEqual([{ n: 1 }]);
      expect(ipc.listenerCount(channel)).toBe(0);
    }
    const off = api.on('not-a-channel' as 'idle:prompt', () => undefined);
    expect(ipc.eventNames()).toEqual([]);
    off();
  });
});
