import { z } from 'zod';

/** Whether the runtime knows this IANA time zone ("Europe/Berlin"); the weeks of a contract are counted in it. */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

export const timeZoneSchema = z.string().min(1).max(64).refine(isTimeZone, 'expected an IANA time zone such as Europe/Berlin or UTC');

/** An hourly rate in the currency's minor unit (cents), with its ISO 4217 code. */
export const hourlyRateSchema = z
  .object({ cents: z.number().int().min(0).max(100_000_000), currency: z.string().regex(/^[A-Z]{3}$/, 'expected an ISO 4217 code such as EUR') })
  .strict();
export type HourlyRate = z.infer<typeof hourlyRateSchema>;

export const DEFAULT_KEEP_SCREENSHOTS_AFTER_END_DAYS = 30;

/** Calendar days after a week ends until the server approves it, if the client has not. */
export const DEFAULT_AUTO_APPROVE_DAYS = 5;
export const autoApproveDaysSchema = z.number().int().min(1).max(30);

/** The terms a client sets besides the screenshot policy. */
export const contractTermsSchema = z
  .object({
    hourlyRate: hourlyRateSchema.nullable(),
    weeklyLimitHours: z.number().int().min(1).max(168).nullable(),
    timeZone: timeZoneSchema,
    /** Once the contract ended, its screenshots are purged this many days later; time and activity stay. */
    keepScreenshotsAfterEndDays: z.number().int().min(0).max(3650),
    /**
     * A week the client has not approved is approved by the server this many calendar days after it ends. The
     * setting in force when a week ends decides that week's date, so a change never moves a date already shown
     * for an ended week, nor un-approves one.
     */
    autoApproveDays: autoApproveDaysSchema.default(DEFAULT_AUTO_APPROVE_DAYS),
    /** Every screenshot of a week is deleted for good once the week is approved (the time stays billed). */
    deleteScreenshotsOnApproval: z.boolean().default(false),
  })
  .strict();
export type ContractTerms = z.infer<typeof contractTermsSchema>;
