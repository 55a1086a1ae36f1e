import { ApiRequestError } from '../api.js';
import type { ViewContext } from '../context.js';
import { h } from '../dom.js';

/** The signed-in person's account: who they are, and a new password (which signs out their other sessions). */
export function accountView(ctx: ViewContext): HTMLElement {
  const current = h('input', { id: 'current-password', type: 'password', autocomplete: 'current-password', required: true });
  const next = h('input', { id: 'new-password', type: 'password', autocomplete: 'new-password', required: true, minlength: 10 });
  const again = h('input', { id: 'new-password-again', type: 'password', autocomplete: 'new-password', required: true });
  const error = h('p', { class: 'error', role: 'alert' });
  const submit = h('button', { type: 'submit' }, 'Change password');
  const form = h(
    'form',
    { class: 'panel sign-in', 'aria-labelledby': 'password-title' },
    h('h2', { id: 'password-title' }, 'Change your password'),
    h('p', { class: 'muted' }, 'At least 10 characters, not your email or name. Your other sessions (other browsers, the agent) are signed out.'),
    h('label', { for: 'current-password' }, 'Current password'),
    current,
    h('label', { for: 'new-password' }, 'New password'),
    next,
    h('label', { for: 'new-password-again' }, 'New password again'),
    again,
    submit,
    error,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    error.textContent = '';
    if (next.value !== again.value) {
      error.textContent = 'The two new passwords differ.';
      again.focus();
      return;
    }
    submit.disabled = true;
    ctx.api
      .changePassword({ currentPassword: current.value, newPassword: next.value })
      .then((answer) => {
        form.reset();
        ctx.say(`Password changed; ${answer.revokedTokens} other session${answer.revokedTokens === 1 ? '' : 's'} signed out.`);
      })
      .catch((e: unknown) => {
        error.textContent =
          e instanceof ApiRequestError && e.code === 'INVALID_CREDENTIALS'
            ? 'The current password is not right.'
            : e instanceof ApiRequestError && e.code === 'WEAK_PASSWORD'
              ? `The new password will not do: ${e.message.replace(/^choose another password: /, '')}.`
              : `The password was not changed: ${(e as Error).message}`;
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
