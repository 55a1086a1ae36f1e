import { ApiRequestError } from '../api.js';
import { h } from '../dom.js';

/**
 * A new password typed twice, the way every form of the page asks for one (sign-up, an invitation's sign-up, the
 * password change): the rules in the label, the browser's password manager told it is new.
 */
export function newPasswordFields(idPrefix: string, label = 'Choose a password (at least 10 characters, not your email)') {
  const password = h('input', { id: `${idPrefix}-password`, type: 'password', autocomplete: 'new-password', required: true, minlength: 10 });
  const again = h('input', { id: `${idPrefix}-again`, type: 'password', autocomplete: 'new-password', required: true });
  return {
    password,
    again,
    elements: [h('label', { for: password.id }, label), password, h('label', { for: again.id }, 'The password again'), again] as const,
    /** Says so in `error` and moves the focus when the two differ. */
    same(error: HTMLElement): boolean {
      if (password.value === again.value) return true;
      error.textContent = 'The two passwords differ.';
      again.focus();
      return false;
    },
  };
}

/** The server's refusal of a new password, in the page's words; null for any other error. */
export function weakPasswordWords(e: unknown): string | null {
  return e instanceof ApiRequestError && e.code === 'WEAK_PASSWORD' ? `The password will not do: ${e.message.replace(/^choose another password: /, '')}.` : null;
}
