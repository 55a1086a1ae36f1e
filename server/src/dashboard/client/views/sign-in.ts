import type { LoginResponse } from '../../../../../src/shared/protocol/api/index.js';
import { ApiRequestError, signIn, signUp } from '../api.js';
import { h } from '../dom.js';
import { newPasswordFields, weakPasswordWords } from './password-fields.js';

/** The sign-in form, and where the server takes sign-ups from anyone (--signup open) a sign-up form; hands the new session to `onSignedIn`. */
export function signInView(onSignedIn: (session: LoginResponse) => void, signupOpen = false): HTMLElement {
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
  return signupOpen ? h('div', { class: 'sign-in-page' }, form, signUpForm(onSignedIn)) : form;
}

/** Open sign-up: email, name, password twice. The answer for an email with an account is a sign-in with that password. */
function signUpForm(onSignedIn: (session: LoginResponse) => void): HTMLElement {
  const error = h('p', { class: 'error', role: 'alert' });
  const email = h('input', { id: 'new-email', type: 'email', autocomplete: 'username', required: true });
  const name = h('input', { id: 'new-name', autocomplete: 'name', required: true, maxlength: 200 });
  const fields = newPasswordFields('new');
  const submit = h('button', { type: 'submit' }, 'Create account');
  const form = h(
    'form',
    { class: 'panel sign-in', 'aria-labelledby': 'sign-up-title' },
    h('h2', { id: 'sign-up-title' }, 'New here? Create an account'),
    h('label', { for: 'new-email' }, 'Your email'),
    email,
    h('label', { for: 'new-name' }, 'Your name'),
    name,
    ...fields.elements,
    submit,
    error,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    error.textContent = '';
    if (!fields.same(error)) return;
    submit.disabled = true;
    signUp({ email: email.value.trim(), name: name.value.trim(), password: fields.password.value })
      .then(onSignedIn)
      .catch((e: unknown) => {
        submit.disabled = false;
        error.textContent =
          weakPasswordWords(e) ??
          (e instanceof ApiRequestError && e.code === 'INVALID_CREDENTIALS'
            ? 'That email and password do not match: if the address has an account, sign in with its password.'
            : `The account was not created: ${(e as Error).message}`);
      });
  });
  return form;
}
