import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { MAX_REDACTED_WINDOWS, recordIdSchema } from '../../../../src/shared/protocol/index.js';
import {
  apiErrorSchema,
  SCREENSHOT_CAPTURED_AT_HEADER,
  SCREENSHOT_CONTENT_TYPES,
  SCREENSHOT_REDACTED_WINDOWS_HEADER,
  SCREENSHOT_SEGMENT_HEADER,
  screenshotDeleteQuerySchema,
  screenshotDeleteResponseSchema,
  screenshotUploadQuerySchema,
  screenshotUploadResponseSchema,
  ulidParamSchema,
  type ScreenshotContentType,
} from '../../../../src/shared/protocol/api/index.js';
import type { Readable } from 'node:stream';
import { tooLarge } from '../../domain/image-intake.js';
import { deleteScreenshot, readScreenshot, uploadScreenshot } from '../../domain/screenshots.js';
import { ApiError, badRequest } from '../../errors.js';
import { parseIso } from '../../support/time.js';
import { callerOf } from '../authenticate.js';
import type { RouteContext } from '../context.js';

const errors = { 400: apiErrorSchema, 401: apiErrorSchema, 403: apiErrorSchema, 404: apiErrorSchema, 410: apiErrorSchema };

const headerValue = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

/** The count of private windows painted out: absent is none; anything but a whole number up to the cap is refused. */
function redactedWindowsOf(text: string | undefined): number {
  if (text === undefined) return 0;
  const count = /^\d{1,4}$/.test(text) ? Number(text) : NaN;
  if (!(count <= MAX_REDACTED_WINDOWS)) {
    throw badRequest('VALIDATION_FAILED', `${SCREENSHOT_REDACTED_WINDOWS_HEADER} (or ?redactedWindows=) must be a whole number from 0 to ${MAX_REDACTED_WINDOWS}`);
  }
  return count;
}

/** Content-Length as a number (Node's parser has refused anything but digits), or undefined for a chunked body. */
const lengthOf = (header: string | undefined) => (header === undefined ? undefined : Number(header));

const isStream = (body: unknown): body is Readable => typeof (body as Readable | undefined)?.pipe === 'function';

/** Screenshot upload (raw image body), download, and deletion. */
export const screenshotRoutes: FastifyPluginAsyncZod<RouteContext> = async (app, ctx) => {
  // Image bodies are handed on unread, as a stream: the upload reads them only once its checks passed, and never
  // holds them whole on the way to the store (domain/screenshots.ts). A body announced over the cap is refused here,
  // unread; one that grows past it on the way is refused there.
  app.addContentTypeParser([...SCREENSHOT_CONTENT_TYPES], (request, payload, done) => {
    const length = lengthOf(request.headers['content-length']);
    if (length !== undefined && length > ctx.config.maxScreenshotBytes) return done(tooLarge(ctx.config.maxScreenshotBytes), undefined);
    done(null, payload);
  });

  app.put(
    '/screenshots/:id',
    {
      bodyLimit: ctx.config.maxScreenshotBytes,
      schema: {
        tags: ['screenshots'],
        summary: `Upload a screenshot (the contract's freelancer): body image/jpeg, one whole decodable JPEG (422 INVALID_IMAGE otherwise); segment id and capture time in ${SCREENSHOT_SEGMENT_HEADER} and ${SCREENSHOT_CAPTURED_AT_HEADER} (or ?segmentId=&capturedAt=), private windows painted out in ${SCREENSHOT_REDACTED_WINDOWS_HEADER} (or ?redactedWindows=); too many uploads for the contract 429 (Retry-After)`,
        params: ulidParamSchema,
        querystring: screenshotUploadQuerySchema,
        response: {
          200: screenshotUploadResponseSchema,
          ...errors,
          409: apiErrorSchema,
          413: apiErrorSchema,
          415: apiErrorSchema,
          422: apiErrorSchema,
          429: apiErrorSchema,
        },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const contentType = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
      if (!isStream(request.body) || !SCREENSHOT_CONTENT_TYPES.includes(contentType as ScreenshotContentType)) {
        throw new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', `send the image as ${SCREENSHOT_CONTENT_TYPES.join(' or ')}`);
      }
      const segmentId = headerValue(request.headers[SCREENSHOT_SEGMENT_HEADER]) ?? request.query.segmentId;
      const capturedAtText = headerValue(request.headers[SCREENSHOT_CAPTURED_AT_HEADER]) ?? request.query.capturedAt;
      if (!segmentId || !recordIdSchema.safeParse(segmentId).success) {
        throw badRequest('VALIDATION_FAILED', `${SCREENSHOT_SEGMENT_HEADER} (or ?segmentId=) must be the segment's ULID`);
      }
      const capturedAt = parseIso(capturedAtText);
      if (capturedAt === undefined) {
        throw badRequest('VALIDATION_FAILED', `${SCREENSHOT_CAPTURED_AT_HEADER} (or ?capturedAt=) must be an ISO 8601 UTC time`);
      }
      const redactedWindows = redactedWindowsOf(headerValue(request.headers[SCREENSHOT_REDACTED_WINDOWS_HEADER]) ?? request.query.redactedWindows);
      return uploadScreenshot(
        {
          repos: ctx.repos,
          objects: ctx.objects,
          clock: ctx.clock,
          logger: ctx.logger,
          limits: ctx.uploadLimits,
          futureSlackMs: ctx.config.captureFutureSlackMs,
          maxImageBytes: ctx.config.maxScreenshotBytes,
        },
        caller,
        request.params.id,
        { segmentId, capturedAt, redactedWindows, contentType: contentType as ScreenshotContentType, body: request.body, length: lengthOf(request.headers['content-length']) },
      );
    },
  );

  app.get(
    '/screenshots/:id',
    {
      schema: {
        tags: ['screenshots'],
        summary: "The image, for the contract's two parties only",
        params: ulidParamSchema,
        response: { 200: z.any().describe('the image bytes (image/jpeg)'), ...errors },
      },
    },
    async (request, reply) => {
      const image = await readScreenshot(ctx, callerOf(request), request.params.id);
      // Screenshots are private evidence: no shared caches, and no sniffing into something else.
      return reply
        .header('content-type', image.contentType)
        .header('cache-control', 'private, no-store')
        .header('x-content-type-options', 'nosniff')
        .send(image.bytes);
    },
  );

  app.delete(
    '/screenshots/:id',
    {
      schema: {
        tags: ['screenshots'],
        summary:
          "Delete for good. By the client: time stays billed. By the freelancer: the segment's time is no longer billed (with ?segmentId=, also before the upload)",
        params: ulidParamSchema,
        querystring: screenshotDeleteQuerySchema,
        response: { 200: screenshotDeleteResponseSchema, ...errors, 409: apiErrorSchema },
      },
    },
    async (request) => deleteScreenshot(ctx, callerOf(request), request.params.id, request.query),
  );
};
