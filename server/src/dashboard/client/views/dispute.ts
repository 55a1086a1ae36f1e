import type { ContractSummary, DiarySegment } from '../../../../../src/shared/protocol/api/index.js';
import type { ViewContext } from '../context.js';
import { h } from '../dom.js';

/** The server's bound on a note (MAX_DISPUTE_NOTE); it checks it too. */
const MAX_NOTE = 2000;

/**
 * The client's actions on one segment of a week not approved yet: Dispute (a note saying why; the segment is then
 * left out of the week's approval), or, once disputed, a new note and Withdraw. A withdrawal is offered after the
 * approval too: the segment's time then joins the approval.
 */
export function disputeActions(ctx: ViewContext, contract: ContractSummary, segment: DiarySegment, weekApproved: boolean, range: string): HTMLElement | null {
  if (contract.role !== 'client') return null;
  const part = h('div', { class: 'dispute-actions' });
  if (!weekApproved) {
    const label = segment.dispute ? 'Change the note' : 'Dispute';
    const open = h('button', { type: 'button', class: 'small', 'aria-label': `${label}, segment ${range}` }, label);
    open.addEventListener('click', () => askForNote(ctx, contract, segment, range));
    part.append(open);
  }
  if (segment.dispute) {
    const withdraw = h('button', { type: 'button', class: 'small', 'aria-label': `Withdraw the dispute, segment ${range}` }, 'Withdraw the dispute');
    withdraw.addEventListener('click', () => {
      withdraw.disabled = true;
      ctx.api
        .withdrawDispute(contract.id, segment.id)
        .then(() => {
          ctx.say(`The dispute of ${range} is withdrawn.`);
          ctx.refresh();
        })
        .catch((e: unknown) => {
          withdraw.disabled = false;
          ctx.say(`The dispute was not withdrawn: ${(e as Error).message}`);
        });
    });
    part.append(withdraw);
  }
  return part.childElementCount > 0 ? part : null;
}

/** A modal form: the note, then Dispute. The freelancer reads the note in the app and on this page. */
function askForNote(ctx: ViewContext, contract: ContractSummary, segment: DiarySegment, range: string): void {
  const note = h('textarea', { id: 'dispute-note', rows: 4, maxlength: MAX_NOTE, required: true });
  note.value = segment.dispute?.note ?? '';
  const send = h('button', { type: 'submit', class: 'primary' }, 'Dispute this segment');
  const cancel = h('button', { type: 'button' }, 'Cancel');
  const form = h(
    'form',
    { method: 'dialog' },
    h('label', { for: 'dispute-note' }, 'Why do you dispute it? The freelancer reads this note.'),
    note,
    h('div', { class: 'actions' }, send, cancel),
  );
  const dialog = h(
    'dialog',
    { class: 'question', 'aria-labelledby': 'dispute-title' },
    h('h2', { id: 'dispute-title' }, `Dispute the segment ${range}?`),
    h('p', {}, 'Approving the week then approves everything but this segment, until you withdraw the dispute.'),
    form,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    send.disabled = true;
    ctx.api
      .disputeSegment(contract.id, segment.id, { note: note.value })
      .then(() => {
        dialog.close();
        ctx.say(`The segment ${range} is disputed.`);
        ctx.refresh();
      })
      .catch((e: unknown) => {
        send.disabled = false;
        ctx.say(`The segment was not disputed: ${(e as Error).message}`);
      });
  });
  cancel.addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
  note.focus();
}
