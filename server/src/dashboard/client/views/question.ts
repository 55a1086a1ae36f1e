import { h } from '../dom.js';

export interface Question {
  /** Prefix of the dialog's element ids (its title and text are named by them for screen readers). */
  readonly id: string;
  readonly title: string;
  /** What happens if the person says yes, in full: the one place they read it before it is done. */
  readonly text: string;
  readonly yes: string;
  readonly no: string;
  /** Runs on yes; the yes button stays disabled until it settles, then the dialog closes. */
  onConfirm(): Promise<void>;
}

/**
 * Asks once, in a modal dialog, before something that cannot be undone. The focus starts on "no", so Enter
 * pressed by habit changes nothing.
 */
export function ask(question: Question): void {
  const confirm = h('button', { type: 'button', class: 'danger' }, question.yes);
  const cancel = h('button', { type: 'button' }, question.no);
  const dialog = h(
    'dialog',
    { class: 'question', 'aria-labelledby': `${question.id}-title`, 'aria-describedby': `${question.id}-text` },
    h('h2', { id: `${question.id}-title` }, question.title),
    h('p', { id: `${question.id}-text` }, question.text),
    h('div', { class: 'actions' }, confirm, cancel),
  );
  confirm.addEventListener('click', () => {
    confirm.disabled = true;
    void question.onConfirm().finally(() => dialog.close());
  });
  cancel.addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
  cancel.focus();
}
