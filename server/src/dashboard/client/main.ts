import type { LoginResponse } from '../../../../src/shared/protocol/api/index.js';
import { ApiClient, signupInfo } from './api.js';
import type { ViewContext } from './context.js';
import { h } from './dom.js';
import { beginDrawing, endDrawing, releaseImages } from './images.js';
import { accountView } from './views/account.js';
import { contractView } from './views/contract.js';
import { contractsView } from './views/contracts.js';
import { invitationPage } from './views/invitation.js';
import { signInView } from './views/sign-in.js';
import { askSignOutEverywhere } from './views/sign-out.js';
import { parseDateKey } from './week.js';

/**
 * The dashboard's entry: keeps the session in sessionStorage (gone with the tab, never in a cookie
 * the browser would send by itself), and draws the view the address names:
 *   #/                          the contracts (and a new one)
 *   #/contracts/ID?week=DATE    one contract's state, policy and diary for the week holding DATE (YYYY-MM-DD, the contract's calendar)
 *   #/invitation/TOKEN          an invitation link: the token is taken out of the address at once (kept in
 *                               sessionStorage for the sign-up or sign-in in between), so it stays out of history
 *   #/account                   the person's account (password)
 */
const SESSION_KEY = 'worktrace.session';
const INVITATION_KEY = 'worktrace.invitation';

const app = document.getElementById('app') as HTMLElement;
const who = document.getElementById('who') as HTMLElement;
const signOut = document.getElementById('sign-out') as HTMLButtonElement;
const signOutEverywhere = document.getElementById('sign-out-everywhere') as HTMLButtonElement;
const accountLink = document.getElementById('account-link') as HTMLAnchorElement;
const status = document.getElementById('status') as HTMLElement;

function loadSession(): LoginResponse | undefined {
  try {
    const session = JSON.parse(sessionStorage.getItem(SESSION_KEY) ?? 'null') as LoginResponse | null;
    return session && Date.parse(session.expiresAt) > Date.now() ? session : undefined;
  } catch {
    return undefined;
  }
}

function endSession(message?: string): void {
  sessionStorage.removeItem(SESSION_KEY);
  if (message) say(message);
  void render();
}

let quiet: number | undefined;

/** The status line, cleared after a while so it does not sit over the diary. */
function say(message: string): void {
  status.textContent = message;
  window.clearTimeout(quiet);
  quiet = window.setTimeout(() => (status.textContent = ''), 6000);
}

let drawing = 0;
/** What the current drawing asked to be run when it is replaced. */
const leaving: (() => void)[] = [];

function leave(): void {
  for (const dispose of leaving.splice(0)) dispose();
}

/** Moves an invitation token from the address into the tab's storage; true when the address named one. */
function takeInvitationToken(): boolean {
  const match = /^#\/invitation\/([A-Za-z0-9_-]{16,256})$/.exec(location.hash);
  if (!match?.[1]) return false;
  sessionStorage.setItem(INVITATION_KEY, match[1]);
  history.replaceState(null, '', '#/invitation');
  return true;
}

function keepSession(next: LoginResponse): void {
  sessionStorage.setItem(SESSION_KEY, JSON.stringify(next));
  say(`Signed in as ${next.user.email}.`);
}

/** The invitation page, for a session or none: it can make the session itself (sign-up, sign-in). */
async function renderInvitation(ticket: number, session: LoginResponse | undefined): Promise<void> {
  const token = sessionStorage.getItem(INVITATION_KEY);
  const api = session ? new ApiClient(session.token, () => endSession('Your session has ended: sign in again.')) : undefined;
  const view = token
    ? await invitationPage({
        token,
        session: session && api ? { user: session.user, api } : undefined,
        onSession: (next) => {
          keepSession(next);
          void render();
        },
        onDone: (contractId, message) => {
          sessionStorage.removeItem(INVITATION_KEY);
          say(message);
          location.hash = contractId ? `#/contracts/${contractId}` : '#/';
        },
        say,
      })
    : h('p', { class: 'error', role: 'alert' }, 'No invitation is open in this tab: open the link from the invitation again.');
  if (ticket === drawing) app.replaceChildren(view);
}

async function render(): Promise<void> {
  const ticket = ++drawing;
  leave();
  takeInvitationToken();
  const session = loadSession();
  who.textContent = session ? `${session.user.name} (${session.user.email})` : '';
  signOut.hidden = !session;
  signOutEverywhere.hidden = !session;
  accountLink.hidden = !session;
  if (location.hash === '#/invitation') return renderInvitation(ticket, session);
  if (!session) {
    releaseImages();
    const mode = await signupInfo().then((info) => info.mode, () => 'invite' as const);
    if (ticket !== drawing) return;
    app.replaceChildren(
      signInView((next) => {
        keepSession(next);
        void render();
      }, mode === 'open'),
    );
    return;
  }
  const ctx: ViewContext = {
    api: new ApiClient(session.token, () => endSession('Your session has ended: sign in again.')),
    user: session.user,
    say,
    refresh: () => void render(),
    replaceSession: (next) => sessionStorage.setItem(SESSION_KEY, JSON.stringify(next)),
    onLeave: (dispose) => {
      // A drawing that lost the race to a newer one is never shown: close what it opened at once.
      if (ticket === drawing) leaving.push(dispose);
      else dispose();
    },
  };
  const [path, query] = location.hash.replace(/^#/, '').split('?');
  const contractMatch = /^\/contracts\/([0-9A-Z]{26})$/.exec(path ?? '');
  app.setAttribute('aria-busy', 'true');
  beginDrawing();
  try {
    const view = contractMatch?.[1]
      ? await contractView(ctx, contractMatch[1], parseDateKey(new URLSearchParams(query).get('week')))
      : path === '/account'
        ? accountView(ctx)
        : await contractsView(ctx);
    if (ticket !== drawing) return; // a newer drawing started meanwhile
    app.replaceChildren(view);
    endDrawing();
  } catch (e) {
    if (ticket !== drawing) return;
    app.replaceChildren(h('p', { class: 'error', role: 'alert' }, `The diary could not be loaded: ${(e as Error).message}`));
  } finally {
    if (ticket === drawing) app.removeAttribute('aria-busy');
  }
}

/**
 * Sign-out asks the server to end the session's token, then forgets it here whatever the answer: offline, the
 * person is told the token stays valid on the server until it expires.
 */
async function signOutHere(): Promise<void> {
  const session = loadSession();
  if (!session) return endSession();
  signOut.disabled = true;
  try {
    await new ApiClient(session.token, () => undefined).signOut(false);
    endSession('Signed out: this session no longer works anywhere.');
  } catch (e) {
    const until = new Date(session.expiresAt).toLocaleString();
    endSession(`Signed out in this browser, but the server could not be told (${(e as Error).message}): this session stays valid there until ${until}.`);
  } finally {
    signOut.disabled = false;
  }
}

/** Every sign-in of the person ends, after one question. Unlike sign-out, nothing changes here when the server cannot be told. */
function signOutOfEverything(): void {
  const session = loadSession();
  if (!session) return endSession();
  askSignOutEverywhere(session.user.email, async () => {
    try {
      const outcome = await new ApiClient(session.token, () => undefined).signOut(true);
      endSession(
        outcome === 'ended'
          ? `Signed out everywhere: every sign-in of ${session.user.email} has ended.`
          : 'This session had already ended, so the others could not be: sign in again, then sign out everywhere.',
      );
    } catch (e) {
      say(`Not signed out everywhere: ${(e as Error).message}. Nothing changed; try again.`);
    }
  });
}

signOut.addEventListener('click', () => void signOutHere());
signOutEverywhere.addEventListener('click', signOutOfEverything);
window.addEventListener('hashchange', () => void render());
void render();
