import type { LoginResponse } from '../../../../../src/shared/protocol/api/index.js';
import { ApiRequestError, signIn } from '../api.js';
import { h } from '../dom.js';

/** The sign-in form; hands the new session to `onSignedIn`. */
export function signInView(onSignedIn: (session: LoginResponse) => void): HTMLElement {
  const error = h('p', { id: 'sign-in-error', class: 'error', role: 'alert' });
  const email = h('input', { id: 'email', name: 'email', type: 'email', autocomplete: 'username', required: true });
  const password = h('input', { id: 'password', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const submit = h('button', { type: 'submit' }, 'Sign in');
  const form = h(
    'form',
    { class: 'panel sign-in', 'aria-labelledby': 'sign-in-title' },
    h('h1', { id: 'sign-in-title' }, 'Sign in to the work diary'),
    h('label', { for: 'email' }, 'Email'),
    email,
    h('label', { for: 'password' }, 'Password'),
    password,
    submit,
    error,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    submit.disabled = true;
    error.textContent = '';
    signIn(email.value.trim(), password.value)
      .then(onSignedIn)
      .catch((e: unknown) => {
        error.textContent =
          e instanceof ApiRequestError && e.code === 'INVALID_CREDENTIALS'
            ? 'That email and password do not match an account.'
            : e instanceof ApiRequestError && e.code === 'RATE_LIMITED'
              ? 'Too many attempts: wait a minute and try again.'
              : `Signing in failed: ${(e as Error).message}`;
        submit.disabled = false;
        password.focus();
      });
  });
  queueMicrotask(() => email.focus());
  return form;
}
