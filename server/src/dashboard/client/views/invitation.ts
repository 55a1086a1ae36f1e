import type { InvitationView, LoginResponse } from '../../../../../src/shared/protocol/api/index.js';
import { ApiRequestError, declineInvitation, lookUpInvitation, signIn, signUp, type ApiClient } from '../api.js';
import { h } from '../dom.js';
import { dateLong, days, modeLabel, rateWords } from '../format.js';
import { newPasswordFields, weakPasswordWords } from './password-fields.js';

export interface InvitationDeps {
  readonly token: string;
  /** The signed-in session, if any, and its API client. */
  readonly session: { readonly user: LoginResponse['user']; readonly api: ApiClient } | undefined;
  /** A sign-up or sign-in on this page made a session: keep it, and draw the page again. */
  onSession(session: LoginResponse): void;
  /** The invitation is done with (accepted: go to `contractId`; declined). */
  onDone(contractId: string | null, message: string): void;
  say(message: string): void;
}

/** Why a token can no longer be used, in words (the server's codes). */
function unusableWords(e: unknown): string {
  if (!(e instanceof ApiRequestError)) return `The invitation could not be loaded: ${(e as Error).message}`;
  switch (e.code) {
    case 'INVITATION_EXPIRED':
      return 'This invitation has expired. Ask the client for a new link.';
    case 'INVITATION_USED':
      return 'This invitation was answered already: a link works once.';
    case 'INVITATION_REVOKED':
      return 'The client withdrew this invitation. Ask them for a new link if you expected one.';
    case 'INVITATION_NOT_FOUND':
      return 'This invitation link is not valid. Check that it was copied whole, or ask the client for a new one.';
    case 'INVITATION_EMAIL_MISMATCH':
      return 'This invitation was made for another email address: sign in with the address it was sent to.';
    case 'RATE_LIMITED':
      return 'Too many attempts from here: wait a minute and try again.';
    default:
      return e.message;
  }
}

/**
 * An invitation opened from its link (#/invitation/<token>): what the contract offers, then, for the invited email,
 * accept or decline. Someone not signed in creates the account or signs in first, with the invited address; the
 * page says nothing about whether that address has an account already (the server does not know to tell it).
 */
export async function invitationPage(deps: InvitationDeps): Promise<HTMLElement> {
  let view: InvitationView;
  try {
    view = await lookUpInvitation(deps.token);
  } catch (e) {
    return h('section', { class: 'panel invitation' }, h('h1', {}, 'Invitation'), h('p', { class: 'error', role: 'alert' }, unusableWords(e)), h('p', {}, h('a', { href: '#/' }, 'Go to the work diary')));
  }
  const c = view.contract;
  const error = h('p', { class: 'error', role: 'alert' });
  const section = h(
    'section',
    { class: 'panel invitation', 'aria-labelledby': 'invitation-title' },
    h('h1', { id: 'invitation-title' }, `${c.client.name || c.client.email} invites you to “${c.name}”`),
    h(
      'dl',
      { class: 'facts' },
      h('dt', {}, 'Client'),
      h('dd', {}, `${c.client.name} (${c.client.email})`),
      h('dt', {}, 'For'),
      h('dd', { class: 'invited-email' }, view.email),
      h('dt', {}, 'Screenshots'),
      h('dd', {}, `${modeLabel(c.screenshots)}, kept ${days(c.retentionDays)}; ${days(c.terms.keepScreenshotsAfterEndDays)} after the contract ends at most`),
      h('dt', {}, 'Segments'),
      h('dd', {}, `${Math.round(c.segmentSeconds / 60)} minutes`),
      h('dt', {}, 'Hourly rate'),
      h('dd', {}, rateWords(c.terms.hourlyRate)),
      h('dt', {}, 'Weekly limit'),
      h('dd', {}, c.terms.weeklyLimitHours === null ? 'none' : `${c.terms.weeklyLimitHours} hours`),
      h('dt', {}, 'Weeks counted in'),
      h('dd', {}, c.terms.timeZone),
      h('dt', {}, 'Link works until'),
      h('dd', {}, dateLong(view.expiresAt)),
    ),
  );
  const decline = h('button', { type: 'button' }, 'Decline');
  decline.addEventListener('click', () => {
    decline.disabled = true;
    declineInvitation(deps.token)
      .then(() => deps.onDone(null, 'You declined the invitation. The client sees it.'))
      .catch((e: unknown) => {
        decline.disabled = false;
        error.textContent = unusableWords(e);
      });
  });

  const session = deps.session;
  if (session && session.user.email.toLowerCase() === view.email) {
    const acceptButton = h('button', { type: 'submit', class: 'primary' }, 'Accept the contract');
    acceptButton.addEventListener('click', () => {
      acceptButton.disabled = true;
      session.api
        .acceptInvitation(deps.token)
        .then((contract) => deps.onDone(contract.id, `You joined “${contract.name}”. Sign in to the Worktrace agent with ${view.email} to track it.`))
        .catch((e: unknown) => {
          acceptButton.disabled = false;
          error.textContent = unusableWords(e);
        });
    });
    section.append(h('p', {}, `Signed in as ${session.user.email}.`), h('div', { class: 'actions' }, acceptButton, decline), error);
    return section;
  }
  if (session) {
    section.append(
      h('p', { class: 'warning' }, `You are signed in as ${session.user.email}, but this invitation is for ${view.email}. Sign out, then come back to this link.`),
      h('div', { class: 'actions' }, decline),
      error,
    );
    return section;
  }
  section.append(h('div', { class: 'invitation-forms' }, signUpForm(deps, view, error), signInForm(deps, view, error)), h('div', { class: 'actions' }, decline), error);
  return section;
}

/** New here: name and password (twice), the email is the invited one. */
function signUpForm(deps: InvitationDeps, view: InvitationView, error: HTMLElement): HTMLElement {
  const name = h('input', { id: 'signup-name', name: 'name', autocomplete: 'name', required: true, maxlength: 200 });
  const fields = newPasswordFields('signup');
  const submit = h('button', { type: 'submit' }, 'Create account');
  const form = h(
    'form',
    { class: 'signup', 'aria-labelledby': 'signup-title' },
    h('h2', { id: 'signup-title' }, 'New to Worktrace'),
    h('p', { class: 'muted' }, `Your account will be ${view.email}.`),
    h('label', { for: 'signup-name' }, 'Your name'),
    name,
    ...fields.elements,
    submit,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    error.textContent = '';
    if (!fields.same(error)) return;
    submit.disabled = true;
    signUp({ email: view.email, name: name.value.trim(), password: fields.password.value, invitation: deps.token })
      .then((session) => deps.onSession(session))
      .catch((e: unknown) => {
        submit.disabled = false;
        error.textContent =
          e instanceof ApiRequestError && e.code === 'INVALID_CREDENTIALS'
            ? 'That password does not open this account. If you already have one, sign in with its password.'
            : (weakPasswordWords(e) ?? unusableWords(e));
      });
  });
  return form;
}

/** Has an account: its password (the email is the invited one). */
function signInForm(deps: InvitationDeps, view: InvitationView, error: HTMLElement): HTMLElement {
  const password = h('input', { id: 'signin-password', type: 'password', autocomplete: 'current-password', required: true });
  const submit = h('button', { type: 'submit' }, 'Sign in');
  const form = h(
    'form',
    { class: 'signin', 'aria-labelledby': 'signin-title' },
    h('h2', { id: 'signin-title' }, 'Already have an account'),
    h('p', { class: 'muted' }, `Sign in as ${view.email}.`),
    h('label', { for: 'signin-password' }, 'Your password'),
    password,
    submit,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    error.textContent = '';
    submit.disabled = true;
    signIn(view.email, password.value)
      .then((session) => deps.onSession(session))
      .catch((e: unknown) => {
        submit.disabled = false;
        error.textContent = e instanceof ApiRequestError && e.code === 'INVALID_CREDENTIALS' ? 'That email and password do not match an account.' : unusableWords(e);
      });
  });
  return form;
}
