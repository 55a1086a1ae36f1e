import type { ContractTerms, HourlyRate } from '../../../src/shared/protocol/api/index.js';
import type { NewContractRow } from '../repository/index.js';

type TermColumns = Pick<
  NewContractRow,
  'hourlyRateCents' | 'currency' | 'weeklyLimitHours' | 'timeZone' | 'keepScreenshotsAfterEndDays' | 'autoApproveDays' | 'deleteScreenshotsOnApproval'
>;

/** The client's terms as the API shows them. */
export function contractTerms(row: TermColumns): ContractTerms {
  return {
    hourlyRate: row.hourlyRateCents !== null && row.currency !== null ? { cents: row.hourlyRateCents, currency: row.currency } : null,
    weeklyLimitHours: row.weeklyLimitHours,
    timeZone: row.timeZone,
    keepScreenshotsAfterEndDays: row.keepScreenshotsAfterEndDays,
    autoApproveDays: row.autoApproveDays,
    deleteScreenshotsOnApproval: row.deleteScreenshotsOnApproval,
  };
}

/** An hourly rate as its two columns (both null when there is none). */
export function rateColumns(rate: HourlyRate | null): Pick<NewContractRow, 'hourlyRateCents' | 'currency'> {
  return rate ? { hourlyRateCents: rate.cents, currency: rate.currency } : { hourlyRateCents: null, currency: null };
}
