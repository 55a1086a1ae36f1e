import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { fakeElectron, type FakeBrowserWindow, type FakeMenuItem } from '../../../support/fake-electron.js';
import { FakeClock } from '../../../support/fake-clock.js';
import { greyCapturer } from '../app/support.js';
import { FakeInput, FakeWindow } from '../tracking/support/fakes.js';

vi.mock('electron', async () => (await import('../../../support/fake-electron.js')).fakeElectron.module);

const { startShell } = await import('../../../../src/main/electron/shell.js');

/** Every role in a menu template, submenus included. */
function roles(items: readonly FakeMenuItem[]): string[] {
  return items.flatMap((item) => [...(item.role ? [item.role] : []), ...roles(item.submenu ?? [])]);
}

/**
 * The shell as an installed app runs it (app.isPackaged): the DevTools cannot be opened, by webPreferences, shortcut
 * or menu. (shell.test.ts covers the same shell run from source, where they stay for the developer.)
 */
describe('Electron shell, packaged build (against a fake electron module)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'wt-shell-packaged-'));
  let quit: () => Promise<void>;
  let window: FakeBrowserWindow;

  beforeAll(async () => {
    fakeElectron.app.isPackaged = true;
    const input = new FakeInput();
    const started = await startShell({
      rendererIndex: join(dataDir, 'renderer', 'index.html'),
      preloadPath: join(dataDir, 'preload', 'preload.cjs'),
      dataDir,
      clock: new FakeClock({ wallMs: Date.now() }),
      platform: 'linux',
      sensors: () => ({ input, window: new FakeWindow(), capturer: greyCapturer, close: () => undefined }),
    });
    if (!started) throw new Error('the shell did not start');
    quit = started.quit;
    window = fakeElectron.windows.at(-1)!;
  });
  afterAll(async () => {
    await quit?.();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('builds its window with the DevTools disabled', () => {
    expect(window.options.webPreferences).toMatchObject({ devTools: false, contextIsolation: true, sandbox: true });
  });

  it('replaces the default menu (View → Toggle Developer Tools, Reload) with Edit and Window only', () => {
    const menu = fakeElectron.menus.applicationMenu;
    expect(menu).toBeTruthy();
    expect(roles(menu!.items)).toEqual(['editMenu', 'windowMenu']);
    for (const refused of ['viewMenu', 'toggleDevTools', 'reload', 'forceReload']) expect(roles(menu!.items)).not.toContain(refused);
  });

  it('swallows the DevTools shortcuts, and only those', () => {
    const press = (input: Record<string, unknown>) => {
      const preventDefault = vi.fn();
      window.webContents.emit('before-input-event', { preventDefault }, { type: 'keyDown', control: false, meta: false, shift: false, alt: false, ...input });
      return preventDefault.mock.calls.length > 0;
    };
    expect(press({ key: 'F12' })).toBe(true);
    expect(press({ key: 'I', control: true, shift: true })).toBe(true);
    expect(press({ key: 'J', control: true, shift: true })).toBe(true);
    expect(press({ key: 'C', control: true, shift: true })).toBe(true);
    expect(press({ key: 'i', meta: true, alt: true })).toBe(true);
    // Typing, copying and pasting in the page go through.
    expect(press({ key: 'i' })).toBe(false);
    expect(press({ key: 'c', control: true })).toBe(false);
    expect(press({ key: 'v', meta: true })).toBe(false);
    expect(press({ key: 'F12', type: 'keyUp' })).toBe(false);
  });

  it('closes the DevTools should they open anyway', () => {
    window.webContents.emit('devtools-opened');
    expect(window.webContents.devToolsClosed).toBe(1);
  });
});
