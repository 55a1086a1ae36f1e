import type { InvitationCreated } from '../../../../../src/shared/protocol/api/index.js';
import type { ViewContext } from '../context.js';
import { h } from '../dom.js';
import { dateLong } from '../format.js';

/**
 * A new invitation's link, shown once (only its hash is kept): a read-only field to select and a Copy button. It
 * says whether the server mailed it too, for whom it is, and until when it works.
 */
export function invitationLinkPanel(ctx: ViewContext, invitation: InvitationCreated): HTMLElement {
  const field = h('input', { id: 'invitation-link', class: 'link', readonly: true, value: invitation.link, 'aria-describedby': 'invitation-link-help' });
  const copy = h('button', { type: 'button' }, 'Copy link');
  copy.addEventListener('click', () => {
    field.select();
    navigator.clipboard
      ?.writeText(invitation.link)
      .then(() => ctx.say('Invitation link copied.'))
      .catch(() => ctx.say('Select the link and copy it by hand (the browser refused).'));
  });
  field.addEventListener('focus', () => field.select());
  return h(
    'div',
    { class: 'invitation-link', role: 'region', 'aria-label': 'Invitation link' },
    h('label', { for: 'invitation-link' }, `Invitation for ${invitation.email}`),
    h('div', { class: 'link-row' }, field, copy),
    h(
      'p',
      { id: 'invitation-link-help', class: 'muted' },
      `${invitation.mailed ? 'It was also mailed to that address. ' : ''}The link works once, for ${invitation.email} only, until ${dateLong(invitation.expiresAt)}. ` +
        'It is shown only now: a new link can be made any time.',
    ),
  );
}
