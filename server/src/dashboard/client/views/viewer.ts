import type { DiarySegment } from '../../../../../src/shared/protocol/api/index.js';
import type { ViewContext } from '../context.js';
import { h } from '../dom.js';
import { hours, purgeWords, timeOfDay, whenShort } from '../format.js';

/**
 * A screenshot opened large in a modal dialog, with Delete. Delete asks once, in the dialog itself,
 * then removes the screenshot for good. The question says what happens to the time: nothing for the
 * client; for the freelancer, the segment's time goes too (so evidence cannot be hidden while billed).
 */
export function openScreenshot(ctx: ViewContext, segment: DiarySegment, imageUrl: string, role: 'client' | 'freelancer', timeZone: string): void {
  const shot = segment.screenshot;
  if (!shot) return;
  const consequence =
    role === 'client'
      ? 'It is removed for good. The segment’s time stays billable.'
      : `Deleting your screenshot also removes this segment’s time (${hours(segment.trackedSeconds)}) from the billable hours. This cannot be undone.`;
  const question = h('div', { class: 'confirm', hidden: true, role: 'alertdialog', 'aria-labelledby': 'confirm-text' });
  const deleteButton = h('button', { type: 'button', class: 'danger' }, 'Delete screenshot');
  const close = h('button', { type: 'button' }, 'Close');
  const dialog = h(
    'dialog',
    { class: 'viewer', 'aria-labelledby': 'viewer-title' },
    h('h2', { id: 'viewer-title' }, `Screenshot of ${timeOfDay(segment.startedAt, timeZone)}, taken ${whenShort(shot.takenAt)}`),
    h('img', { class: 'large', src: imageUrl, alt: `Screenshot taken ${whenShort(shot.takenAt)}` }),
    h('p', { class: 'purge' }, purgeWords(shot.expiresAt, Date.now())),
    h('div', { class: 'actions' }, deleteButton, close),
    question,
  );
  const confirm = h('button', { type: 'button', class: 'danger' }, 'Delete for good');
  const cancel = h('button', { type: 'button' }, 'Keep it');
  question.append(h('p', { id: 'confirm-text', class: role === 'freelancer' ? 'warning' : '' }, `Delete this screenshot? ${consequence}`), confirm, cancel);

  deleteButton.addEventListener('click', () => {
    question.hidden = false;
    deleteButton.disabled = true;
    cancel.focus();
  });
  cancel.addEventListener('click', () => {
    question.hidden = true;
    deleteButton.disabled = false;
    deleteButton.focus();
  });
  confirm.addEventListener('click', () => {
    confirm.disabled = true;
    ctx.api
      .deleteScreenshot(shot.id)
      .then((result) => {
        dialog.close();
        ctx.say(result.segmentBillable ? 'Screenshot deleted; the time stays billable.' : 'Screenshot deleted, and the segment’s time with it.');
        ctx.refresh();
      })
      .catch((e: unknown) => {
        confirm.disabled = false;
        ctx.say(`The screenshot was not deleted: ${(e as Error).message}`);
      });
  });
  close.addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
}
