/** All times are stored as epoch milliseconds (UTC) and sent as ISO 8601 with "Z". */
export const toIso = (ms: number): string => new Date(ms).toISOString();

export const DAY_MS = 86_400_000;

/** Parses an ISO 8601 UTC timestamp; undefined when it is not one. */
export function parseIso(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/.test(value)) return undefined;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : undefined;
}
