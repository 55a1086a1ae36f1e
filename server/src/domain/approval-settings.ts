import type { ApprovalSettingsRow } from '../repository/index.js';

/**
 * The approval settings in force at `at`: the latest that took effect at or before it. Before the first one (weeks
 * of work from before the contract was made, which an offline agent may still upload) the first one holds.
 *
 * Which moment a setting is read at is what keeps a change from rewriting history:
 *   - a week's automatic approval date comes from the setting in force at the week's END: once a week has ended its
 *     date is fixed, so lowering or raising autoApproveDays never un-approves a week the clock approved, nor moves a
 *     date the dashboard already showed for an ended week (a running week takes the change);
 *   - whether an approval deletes the week's screenshots is the setting in force at the APPROVAL moment (the
 *     client's, or the server's date): turning it on later does not reach back into weeks approved before (the
 *     client can bulk-delete those), and turning it off after a week was approved does not bring its images back
 *     nor spare them from the upkeep that has not run yet.
 */
export function approvalSettingsAt(history: readonly ApprovalSettingsRow[], at: number): ApprovalSettingsRow {
  const first = history[0];
  if (!first) throw new Error('a contract always has approval settings (its first row is written with it)');
  let inForce = first;
  for (const row of history) if (row.effectiveFrom <= at) inForce = row;
  return inForce;
}
