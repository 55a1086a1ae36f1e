import { ApiRequestError } from '../api.js';
import type { ViewContext } from '../context.js';
import { h } from '../dom.js';
import { newPasswordFields, weakPasswordWords } from './password-fields.js';

/** The signed-in person's account: who they are, and a new password (which signs out their other sessions). */
export function accountView(ctx: ViewContext): HTMLElement {
  const current = h('input', { id: 'current-password', type: 'password', autocomplete: 'current-password', required: true });
  const next = newPasswordFields('new', 'New password');
  const error = h('p', { class: 'error', role: 'alert' });
  const submit = h('button', { type: 'submit' }, 'Change password');
  const form = h(
    'form',
    { class: 'panel sign-in', 'aria-labelledby': 'password-title' },
    h('h2', { id: 'password-title' }, 'Change your password'),
    h('p', { class: 'muted' }, 'At least 10 characters, not your email or name. Every other session (other browsers, the agent) is signed out.'),
    h('label', { for: 'current-password' }, 'Current password'),
    current,
    ...next.elements,
    submit,
    error,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    error.textContent = '';
    if (!next.same(error)) return;
    submit.disabled = true;
    ctx.api
      .changePassword({ currentPassword: current.value, newPassword: next.password.value })
      .then((answer) => {
        // This session's token went with the others: the page carries on with the new one the server gave.
        ctx.replaceSession(answer.session);
        form.reset();
        ctx.say(`Password changed; ${answer.revokedTokens} other session${answer.revokedTokens === 1 ? '' : 's'} signed out.`);
        ctx.refresh();
      })
      .catch((e: unknown) => {
        error.textContent =
          e instanceof ApiRequestError && e.code === 'INVALID_CREDENTIALS'
            ? 'The current password is not right.'
            : (weakPasswordWords(e) ?? `The password was not changed: ${(e as Error).message}`);
      })
      .finally(() => (submit.disabled = false));
  });
  return h(
    'section',
    { 'aria-labelledby': 'account-title' },
    h('p', {}, h('a', { href: '#/' }, '← All contracts')),
    h('h1', { id: 'account-title' }, 'Your account'),
    h('p', {}, `${ctx.user.name} (${ctx.user.email})`),
    form,
  );
}
