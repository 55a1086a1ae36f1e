import type { ContractSummary, WeekReview } from '../../../../../src/shared/protocol/api/index.js';
import type { ViewContext } from '../context.js';
import { h } from '../dom.js';
import { shiftDate } from '../week.js';

const FORMATS = [{ format: 'csv', label: 'Download CSV' }] as const;

/**
 * The shown week's timesheet, for both parties. The export needs the session's token, so it cannot be a plain
 * link: it is fetched, then handed to the browser as a download from a blob: URL that is released at once.
 */
export function timesheetLinks(ctx: ViewContext, contract: ContractSummary, review: WeekReview): HTMLElement {
  const sunday = shiftDate(review.week, 6);
  const part = h('div', { class: 'timesheet-links' });
  for (const { format, label } of FORMATS) {
    const button = h('button', { type: 'button', 'data-format': format }, label);
    button.addEventListener('click', () => {
      button.disabled = true;
      ctx.api
        .timesheet(contract.id, format, review.week, sunday)
        .then((blob) => {
          const url = URL.createObjectURL(blob);
          const link = h('a', { href: url, download: `timesheet-${review.week}-to-${sunday}.${format}`, hidden: true });
          document.body.append(link);
          link.click();
          link.remove();
          // Released once the browser has surely read it (it reads the blob after the click returns, in its own time).
          window.setTimeout(() => URL.revokeObjectURL(url), 60_000);
        })
        .catch((e: unknown) => ctx.say(`The timesheet could not be downloaded: ${(e as Error).message}`))
        .finally(() => (button.disabled = false));
    });
    part.append(button);
  }
  return part;
}
