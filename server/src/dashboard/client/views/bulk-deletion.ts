import type { BulkDeletion, ContractSummary, Diary } from '../../../../../src/shared/protocol/api/index.js';
import type { ViewContext } from '../context.js';
import { h } from '../dom.js';
import { ask } from './question.js';

const DAY_MS = 86_400_000;
/** The longest diary window the server answers (GET /contracts/{id}/diary). */
const DIARY_WINDOW_DAYS = 366;

/** "1 screenshot", "3 screenshots". */
export const screenshotsWords = (n: number): string => `${n} screenshot${n === 1 ? '' : 's'}`;

/** The screenshots of a diary still stored: what a bulk deletion of its range would delete. */
export const storedIn = (diary: { readonly segments: readonly Diary['segments'][number][] }): number => diary.segments.filter((s) => s.screenshot !== null).length;

interface Offer {
  /** The button's words, and what it is for a screen reader when several alike are on the page. */
  readonly label: string;
  readonly accessibleName?: string;
  readonly range: BulkDeletion;
  /** The range in words, for the question and the outcome: "Monday 16 November", "this week", "this contract". */
  readonly what: string;
  /** How many screenshots of the range are still stored, counted when the client asks (the one number the question states). */
  count(): Promise<number>;
}

/**
 * A client's bulk deletion: one button, one question stating how many screenshots go and that the time stays
 * billable, one API call; then the outcome in the status line and the diary drawn again with its placeholders.
 */
export function bulkDeletionButton(ctx: ViewContext, contract: ContractSummary, offer: Offer): HTMLButtonElement {
  const button = h('button', { type: 'button', class: 'bulk-delete', 'aria-label': offer.accessibleName }, offer.label);
  button.addEventListener('click', () => {
    button.disabled = true;
    offer
      .count()
      .then((count) => {
        if (count === 0) {
          ctx.say(`No screenshot of ${offer.what} is stored.`);
          return;
        }
        ask({
          id: 'bulk-delete',
          title: `Delete ${screenshotsWords(count)} of ${offer.what}?`,
          text:
            `${count === 1 ? 'The one screenshot' : `All ${screenshotsWords(count)}`} of ${offer.what} still stored ${count === 1 ? 'is' : 'are'} deleted for good, ` +
            'from the server and its storage; the diary keeps a placeholder. The time stays billable: no hour changes.',
          yes: `Delete ${screenshotsWords(count)}`,
          no: 'Keep them',
          onConfirm: () =>
            ctx.api.deleteScreenshots(contract.id, offer.range).then(
              (result) => {
                const gone = result.alreadyDeleted > 0 ? ` (${result.alreadyDeleted} had been deleted already)` : '';
                ctx.say(`Deleted ${screenshotsWords(result.deleted)} of ${offer.what}${gone}. The time stays billable.`);
                ctx.refresh();
              },
              (e: unknown) => ctx.say(`No screenshot was deleted: ${(e as Error).message}`),
            ),
        });
      })
      .catch((e: unknown) => ctx.say(`The screenshots could not be counted: ${(e as Error).message}`))
      .finally(() => (button.disabled = false));
  });
  return button;
}

/**
 * Every screenshot of the contract still stored, counted over its whole diary, a year's window at a time (the
 * server's limit). Run only when the client asks to delete them all.
 */
export async function countContractScreenshots(ctx: ViewContext, contractId: string, since: Date, now: Date): Promise<number> {
  let count = 0;
  const end = now.getTime() + DAY_MS; // a segment uploaded from an agent whose clock runs a little ahead
  for (let from = since.getTime(); from < end; from += DIARY_WINDOW_DAYS * DAY_MS) {
    count += storedIn(await ctx.api.diary(contractId, new Date(from), new Date(Math.min(end, from + DIARY_WINDOW_DAYS * DAY_MS))));
  }
  return count;
}
