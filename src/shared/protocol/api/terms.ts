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

/** The terms a client sets besides the screenshot policy. */
export const contractTermsSchema = z
  .object({
    hourlyRate: hourlyRateSchema.nullable(),
    weeklyLimitHours: z.number().int().min(1).max(168).nullable(),
    timeZone: timeZoneSchema,
    /** Once the contract ended, its screenshots are purged this many days later; time and activity stay. */
    keepScreenshotsAfterEndDays: z.number().int().min(0).max(3650),
  })
  .strict();
export type ContractTerms = z.infer<typeof contractTermsSchema>;
