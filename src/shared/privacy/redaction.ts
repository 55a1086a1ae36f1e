import { z } from 'zod';

/**
 * How private windows are kept out of screenshots with the screen capturer in use:
 * - 'windows': every window's frame is read with the pixels, so each private window is painted out, focused or not;
 * - 'focused-window': partial: the capturer hands back a picture of the screen, so a screenshot is skipped while a
 *   private window is focused, but one in the background is not painted out;
 * - 'while-any-rule': the capturer cannot paint windows out and the focused window cannot be read either (a Wayland
 *   session): no screenshot is taken while any private-window rule is in force;
 * - 'no-screenshots': this capturer takes none, so there is nothing to keep a private window out of.
 * `worktrace status` and the app's privacy settings both say it (redactionWords).
 */
export const redactionReportSchema = z
  .object({
    redaction: z.enum(['windows', 'focused-window', 'while-any-rule', 'no-screenshots']),
    backend: z.string().max(100),
    reason: z.string().max(1000),
  })
  .strict();
export type RedactionReport = z.infer<typeof redactionReportSchema>;
