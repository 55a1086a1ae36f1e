import { z } from 'zod';
import { screenshotRemovedSchema } from './diary.js';

/** Screenshots are JPEG only: what the agent makes, and one format the server checks byte by byte. */
export const SCREENSHOT_CONTENT_TYPES = ['image/jpeg'] as const;
export type ScreenshotContentType = (typeof SCREENSHOT_CONTENT_TYPES)[number];

/** Headers that carry a screenshot upload's metadata (the body is the image itself). */
export const SCREENSHOT_SEGMENT_HEADER = 'x-worktrace-segment-id';
export const SCREENSHOT_CAPTURED_AT_HEADER = 'x-worktrace-captured-at';
/** How many private windows the agent painted out of the image (optional; absent: none). */
export const SCREENSHOT_REDACTED_WINDOWS_HEADER = 'x-worktrace-redacted-windows';

/** The same metadata may come in the query string instead: ?segmentId=…&capturedAt=…&redactedWindows=… */
export const screenshotUploadQuerySchema = z
  .object({
    segmentId: z.string().optional(),
    capturedAt: z.string().optional(),
    redactedWindows: z.string().optional(),
  })
  .strict();

export const screenshotUploadResponseSchema = z
  .object({
    id: z.string(),
    segmentId: z.string(),
    takenAt: z.iso.datetime(),
    bytes: z.number().int(),
    contentType: z.enum(SCREENSHOT_CONTENT_TYPES),
    expiresAt: z.iso.datetime(),
  })
  .strict();
export type ScreenshotUploadResponse = z.infer<typeof screenshotUploadResponseSchema>;

/**
 * DELETE /screenshots/{id}?segmentId=…: the freelancer deleting on the device a screenshot the server
 * has not received yet names its segment, so the server can stop billing that segment and refuse the
 * upload later (410).
 */
export const screenshotDeleteQuerySchema = z
  .object({ segmentId: z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'expected a ULID').optional() })
  .strict();

export const screenshotDeleteResponseSchema = z
  .object({
    id: z.string(),
    segmentId: z.string(),
    removed: screenshotRemovedSchema,
    /** Whether the segment's time is still billed after this deletion. */
    segmentBillable: z.boolean(),
  })
  .strict();
export type ScreenshotDeleteResponse = z.infer<typeof screenshotDeleteResponseSchema>;
