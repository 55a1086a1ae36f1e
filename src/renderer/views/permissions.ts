import type { DesktopPermissions, PermissionPane } from '../../shared/ipc/contract.js';
import { byId, show } from '../dom.js';
import { permissionNoticeWords } from '../words.js';

/**
 * The notices for what the OS withholds (macOS Screen Recording / Accessibility, a Wayland session). Shown signed in
 * or not: screenshots depend on it before the first start. Redrawn only when the notices change, so a state push
 * never moves the focus off a button the person is about to press.
 */
export function renderPermissions(permissions: DesktopPermissions, openSettings: (pane: PermissionPane) => void): void {
  const section = byId('permissions');
  const list = byId<HTMLUListElement>('permissions-list');
  const signature = JSON.stringify(permissions.notices);
  show(section, permissions.notices.length > 0);
  if (list.dataset.signature === signature) return;
  list.dataset.signature = signature;
  list.replaceChildren(
    ...permissions.notices.map((notice) => {
      const words = permissionNoticeWords(notice);
      const item = document.createElement('li');
      item.className = 'banner warn';
      item.dataset.notice = notice.kind;
      const body = document.createElement('div');
      const title = document.createElement('strong');
      title.textContent = words.title;
      const text = document.createElement('p');
      text.textContent = words.text;
      body.append(title, text);
      item.append(body);
      if (words.action) {
        const { label, pane } = words.action;
        const open = document.createElement('button');
        open.type = 'button';
        open.id = `open-settings-${pane}`;
        open.textContent = label;
        open.addEventListener('click', () => openSettings(pane));
        item.append(open);
      }
      return item;
    }),
  );
}
