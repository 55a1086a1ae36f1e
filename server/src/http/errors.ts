import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import type { ApiErrorBody, ApiErrorCode } from '../../../src/shared/protocol/api/index.js';
import { ApiError } from '../errors.js';

const body = (code: ApiErrorCode, message: string): ApiErrorBody => ({ error: { code, message } });

/** Fastify's own 4xx errors, named in the API's vocabulary. */
function codeForStatus(status: number, fastifyCode: string | undefined): ApiErrorCode {
  if (fastifyCode === 'FST_ERR_CTP_INVALID_JSON_BODY' || fastifyCode === 'FST_ERR_CTP_EMPTY_JSON_BODY') return 'INVALID_JSON';
  switch (status) {
    case 401:
      return 'UNAUTHENTICATED';
    case 403:
      return 'FORBIDDEN';
    case 404:
      return 'NOT_FOUND';
    case 408:
      return 'REQUEST_TIMEOUT';
    case 413:
      return 'PAYLOAD_TOO_LARGE';
    case 415:
      return 'UNSUPPORTED_MEDIA_TYPE';
    case 429:
      return 'RATE_LIMITED';
    default:
      return 'VALIDATION_FAILED';
  }
}

/**
 * Errors the router raises before any route runs (a path parameter over the length cap, a bad
 * content-type header): the same JSON shape, never fastify's default body.
 */
export function frameworkErrorHandler(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const status = typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 400;
  void reply.code(status).send(body(codeForStatus(status, error.code), 'the request cannot be routed: check the path and headers'));
}

/**
 * Requests Node's HTTP parser refuses before fastify sees them (a NUL or CRLF in a header, a bad
 * request line, conflicting lengths, headers over the size limit, a request that did not arrive in
 * time): the same JSON error shape as everything else, where fastify's default would answer
 * `{"error":"Bad Request",...}` without a code.
 */
export function clientErrorHandler(this: FastifyInstance, error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  // The code only: the parser's message can quote the offending bytes, which may be a token.
  this.log.debug({ code: error.code, remoteAddress: socket.remoteAddress }, 'malformed HTTP request refused');
  if (error.code === 'HPE_HEADER_OVERFLOW') answerAndClose(socket, 431, body('PAYLOAD_TOO_LARGE', 'the request headers are too large'));
  else if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') answerAndClose(socket, 408, requestTimeoutBody);
  else answerAndClose(socket, 400, body('VALIDATION_FAILED', 'the request is not well-formed HTTP'));
}

/** A request whose headers or body did not arrive within its deadline (Node's, or the route's: deadlines.ts). */
export const requestTimeoutBody = body('REQUEST_TIMEOUT', 'the request did not arrive in time: send it again');

/**
 * Answers straight on the socket and closes it: the connection cannot be trusted (or is too slow) to carry
 * another request. When a response has already begun (`responseStarted`) there is nothing sound left to say: it
 * is only closed.
 */
export function answerAndClose(socket: Socket, status: number, answer: ApiErrorBody, responseStarted = false): void {
  if (socket.writable && !responseStarted) {
    const text = JSON.stringify(answer);
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Length: ${Buffer.byteLength(text)}\r\nContent-Type: application/json; charset=utf-8\r\nConnection: close\r\n\r\n${text}`,
    );
  }
  socket.destroy();
}

/**
 * An Expect header other than `100-continue`: Node would answer a bare 417 with no body; this is the
 * same refusal in the API's JSON shape. Listen on the HTTP server's 'checkExpectation' event.
 */
export function refuseExpectation(_request: IncomingMessage, response: ServerResponse): void {
  const text = JSON.stringify(body('VALIDATION_FAILED', 'unsupported Expect header: only 100-continue is understood'));
  response.writeHead(417, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), connection: 'close' });
  response.end(text);
}

/**
 * Every failure leaves as `{error: {code, message}}`. Bad input of any kind is a 4xx; only a fault of
 * the server itself is a 500, logged with its stack but answered without details.
 */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | ApiError, request, reply) => {
    if (error instanceof ApiError) {
      if (error.retryAfterSeconds !== undefined) reply.header('retry-after', String(error.retryAfterSeconds));
      return reply.code(error.status).send(body(error.code, error.message));
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      const issues = error.validation.map((v) => `${v.instancePath || error.validationContext || 'request'}: ${v.message}`);
      return reply.code(400).send(body('VALIDATION_FAILED', issues.slice(0, 5).join('; ')));
    }
    if (isResponseSerializationError(error)) {
      request.log.error({ err: error }, 'a response did not match its schema');
      return reply.code(500).send(body('INTERNAL', 'internal error'));
    }
    const status = typeof error.statusCode === 'number' ? error.statusCode : 500;
    if (status >= 400 && status < 500) {
      if (status === 429) reply.header('retry-after', reply.getHeader('retry-after') ?? '60');
      return reply.code(status).send(body(codeForStatus(status, error.code), error.message || 'bad request'));
    }
    request.log.error({ err: error }, 'request failed');
    return reply.code(500).send(body('INTERNAL', 'internal error'));
  });

  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send(body('NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}`));
  });
}
