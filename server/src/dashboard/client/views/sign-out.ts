import { h } from '../dom.js';

/**
 * Asks once, in a modal dialog, before every sign-in of the person ends: it reaches their other browsers and every
 * computer running Worktrace for them, so the question says so. `onConfirm` runs when they confirm; its promise
 * keeps the button disabled until it settles.
 */
export function askSignOutEverywhere(email: string, onConfirm: () => Promise<void>): void {
  const confirm = h('button', { type: 'button', class: 'danger' }, 'Sign out everywhere');
  const cancel = h('button', { type: 'button' }, 'Cancel');
  const dialog = h(
    'dialog',
    { class: 'question', 'aria-labelledby': 'sign-out-everywhere-title', 'aria-describedby': 'sign-out-everywhere-text' },
    h('h2', { id: 'sign-out-everywhere-title' }, 'Sign out everywhere?'),
    h(
      'p',
      { id: 'sign-out-everywhere-text' },
      `Every sign-in of ${email} ends: other browsers, and the Worktrace app or command line on every computer. ` +
        'They ask to sign in again; time they recorded meanwhile stays on them and is sent once they do.',
    ),
    h('div', { class: 'actions' }, confirm, cancel),
  );
  confirm.addEventListener('click', () => {
    confirm.disabled = true;
    void onConfirm().finally(() => dialog.close());
  });
  cancel.addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
  cancel.focus();
}
