import type { Input, MenuItemConstructorOptions, Session, WebContents } from 'electron';

/**
 * Electron's security checklist in one place: the page's Content-Security-Policy (also a <meta> in the renderer's
 * index.html, since file:// answers may not pass through onHeadersReceived), no permissions, no navigation, no new
 * windows, no <webview>. Nothing remote is ever loaded.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The webPreferences of every window: the renderer is a web page with only the preload's narrow API. DevTools only
 * where the app runs from source (`npm start`): in an installed app they would let anyone at the keyboard call that
 * API by hand (sign in elsewhere, stop tracking, delete screenshots) outside the page's rules.
 */
export function secureWebPreferences(preloadPath: string, packaged: boolean) {
  return {
    preload: preloadPath,
    devTools: !packaged,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    spellcheck: false,
  } as const;
}

export function hardenSession(session: Session): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}

/**
 * Applied to every web contents the app creates: the page stays where it was loaded. In a packaged app the DevTools
 * stay shut whatever asks for them: their shortcuts are swallowed and, should they open anyway, they are closed.
 */
export function hardenWebContents(contents: WebContents, packaged: boolean): void {
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  if (!packaged) return;
  contents.on('before-input-event', (event, input) => {
    if (isDevToolsShortcut(input)) event.preventDefault();
  });
  contents.on('devtools-opened', () => contents.closeDevTools());
}

/** F12, and Ctrl+Shift+I/J/C (Cmd+Alt+I/J/C on macOS): Chromium's ways to open the DevTools from the keyboard. */
export function isDevToolsShortcut(input: Pick<Input, 'type' | 'key' | 'control' | 'meta' | 'shift' | 'alt'>): boolean {
  if (input.type !== 'keyDown') return false;
  const key = input.key.toLowerCase();
  if (key === 'f12') return true;
  const inspectorKey = key === 'i' || key === 'j' || key === 'c';
  return inspectorKey && ((input.control && input.shift) || (input.meta && input.alt));
}

/**
 * The application menu of a packaged app: Electron's default menu has View → Toggle Developer Tools (and Reload), so
 * it is replaced by the menus a person needs: on macOS the app menu (Quit, Hide), and Edit everywhere (copy and paste
 * in the sign-in form and the memo), with no View menu.
 */
export function packagedMenuTemplate(platform: NodeJS.Platform): MenuItemConstructorOptions[] {
  return [...(platform === 'darwin' ? [{ role: 'appMenu' as const }] : []), { role: 'editMenu' }, { role: 'windowMenu' }];
}
