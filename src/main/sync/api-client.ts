import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import type { Readable } from 'node:stream';
import type { z } from 'zod';
import { receivedPolicySchema, type ReceivedPolicy, type SegmentUpload } from '../../shared/protocol/index.js';
import {
  SCREENSHOT_CAPTURED_AT_HEADER,
  SCREENSHOT_REDACTED_WINDOWS_HEADER,
  SCREENSHOT_SEGMENT_HEADER,
  apiErrorSchema,
  disputeListSchema,
  receivedContractListSchema,
  loginResponseSchema,
  removedScreenshotsSchema,
  screenshotDeleteResponseSchema,
  screenshotUploadResponseSchema,
  segmentUploadResponseSchema,
  type DisputeList,
  type ReceivedContractSummary,
  type LoginResponse,
  type RemovedScreenshots,
  type RemovedScreenshotsQuery,
  type ScreenshotDeleteResponse,
  type ScreenshotUploadResponse,
  type SegmentUploadResponse,
  type TimesheetQuery,
  type WeekReview,
  weekReviewSchema,
} from '../../shared/protocol/api/index.js';
import { ApiRequestError, type RequestFailure } from './errors.js';

export interface ApiClientOptions {
  /** Checked with checkServerUrl(): https, or http to loopback. */
  readonly serverUrl: string;
  readonly token?: string | null;
  /** Whole-request timeout for ordinary calls. */
  readonly timeoutMs?: number;
  /** Larger answers are refused: no answer of this API is anywhere near it. */
  readonly maxAnswerBytes?: number;
}

export type PolicyAnswer =
  | { readonly status: 'unchanged' }
  | { readonly status: 'changed'; readonly policy: ReceivedPolicy; readonly etag: string | null };

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_ANSWER_BYTES = 4 * 1024 * 1024;

/**
 * The agent's one HTTP client (axios, one instance): timeouts, a cap on answer size, and every answer validated
 * against the shared zod schemas before anything uses it. Bodies are read as text and parsed here, so HTML error
 * pages, truncated or malformed JSON end as a RequestFailure of kind 'invalid' instead of a crash.
 */
export class ApiClient {
  readonly serverUrl: string;
  private readonly http: AxiosInstance;
  private readonly timeoutMs: number;

  constructor(options: ApiClientOptions) {
    this.serverUrl = options.serverUrl;
    const maxAnswerBytes = options.maxAnswerBytes ?? DEFAULT_MAX_ANSWER_BYTES;
    this.http = axios.create({
      baseURL: `${options.serverUrl}/api/v1`,
      timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      maxContentLength: maxAnswerBytes,
      maxBodyLength: 64 * 1024 * 1024,
      maxRedirects: 0, // a redirect could take the token to another host
      proxy: false, // the environment's proxy settings must not silently reroute the diary
      responseType: 'text',
      transformResponse: [(data: unknown) => data],
      validateStatus: () => true,
      headers: options.token ? { authorization: `Bearer ${options.token}` } : {},
    });
    // axios's `timeout` is an idle timeout on the socket in Node: an answer dribbling in a byte at a time would
    // hold a call (and a person waiting on sign-in) forever. A deadline for the whole call ends that; the policy
    // stream brings its own signal and has none.
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.timeoutMs = timeoutMs;
    this.http.interceptors.request.use((config) => (config.signal ? config : { ...config, signal: AbortSignal.timeout(timeoutMs) }));
  }

  async login(email: string, password: string): Promise<LoginResponse> {
    const answer = await this.send('sign in', () => this.http.post('/auth/token', { email, password }));
    return this.expect('sign in', answer, 200, loginResponseSchema);
  }

  /** Sign-out: the server revokes the token this client carries (204). Other sign-ins of the user keep working. */
  async revokeToken(): Promise<void> {
    const answer = await this.send('sign out', () => this.http.delete('/auth/token'));
    if (answer.status !== 204) throw new ApiRequestError(httpFailure(answer.status, answer.data, answer.headers), 'sign out');
  }

  /** Sign out everywhere: the server revokes every token of the user, this client's included (204). */
  async revokeAllTokens(): Promise<void> {
    const answer = await this.send('sign out everywhere', () => this.http.delete('/auth/tokens'));
    if (answer.status !== 204) throw new ApiRequestError(httpFailure(answer.status, answer.data, answer.headers), 'sign out everywhere');
  }

  /** The account's contracts; a state this build does not know is kept as text (it means: do not track). */
  async contracts(): Promise<ReceivedContractSummary[]> {
    const answer = await this.send('list contracts', () => this.http.get('/contracts'));
    return this.expect('list contracts', answer, 200, receivedContractListSchema).contracts;
  }

  /** The contract's policy, or 'unchanged' when the ETag still matches (304). */
  async policy(contractId: string, etag: string | null): Promise<PolicyAnswer> {
    const what = `policy of ${contractId}`;
    const answer = await this.send(what, () =>
      this.http.get(`/contracts/${encodeURIComponent(contractId)}/policy`, { headers: etag ? { 'if-none-match': etag } : {} }),
    );
    if (answer.status === 304) return { status: 'unchanged' };
    // Leniently about what the agent reads apart: an unreadable private-window list stops screenshots
    // (ServerPolicySource), an unknown contract state stops tracking; neither fails the answer.
    const policy = this.expect(what, answer, 200, receivedPolicySchema);
    const header = answer.headers['etag'];
    return { status: 'changed', policy, etag: typeof header === 'string' ? header : null };
  }

  async putSegment(segment: SegmentUpload): Promise<SegmentUploadResponse> {
    const what = `upload of segment ${segment.id}`;
    const answer = await this.send(what, () => this.http.put(`/segments/${segment.id}`, segment));
    return this.expect(what, answer, 200, segmentUploadResponseSchema);
  }

  /** `redactedWindows`: private windows painted out of the image (the diary says "2 private windows hidden"). */
  async putScreenshot(upload: { id: string; segmentId: string; capturedAt: number; redactedWindows?: number; jpeg: Buffer }): Promise<ScreenshotUploadResponse> {
    const what = `upload of screenshot ${upload.id}`;
    const answer = await this.send(what, () =>
      this.http.put(`/screenshots/${upload.id}`, upload.jpeg, {
        headers: {
          'content-type': 'image/jpeg',
          [SCREENSHOT_SEGMENT_HEADER]: upload.segmentId,
          [SCREENSHOT_CAPTURED_AT_HEADER]: new Date(upload.capturedAt).toISOString(),
          ...(upload.redactedWindows ? { [SCREENSHOT_REDACTED_WINDOWS_HEADER]: String(upload.redactedWindows) } : {}),
        },
      }),
    );
    return this.expect(what, answer, 200, screenshotUploadResponseSchema);
  }

  /**
   * The freelancer's deletion of a screenshot. The segment is named always: the server then also takes a deletion
   * of an image it never received (a placeholder that refuses the later upload with 410).
   */
  async deleteScreenshot(id: string, segmentId: string): Promise<ScreenshotDeleteResponse> {
    const what = `deletion of screenshot ${id}`;
    const answer = await this.send(what, () => this.http.delete(`/screenshots/${encodeURIComponent(id)}`, { params: { segmentId } }));
    return this.expect(what, answer, 200, screenshotDeleteResponseSchema);
  }

  /** One page of the contract's screenshots that are gone on the server, captured in [from, to) (the shared schema says how to page). */
  async removedScreenshots(contractId: string, query: RemovedScreenshotsQuery): Promise<RemovedScreenshots> {
    const what = `removed screenshots of ${contractId}`;
    const answer = await this.send(what, () => this.http.get(`/contracts/${encodeURIComponent(contractId)}/screenshots/removed`, { params: query }));
    return this.expect(what, answer, 200, removedScreenshotsSchema);
  }

  /** The contract's open disputes: segments the client disputes, with the client's note (newest segment first). */
  async disputes(contractId: string): Promise<DisputeList> {
    const what = `disputes of ${contractId}`;
    const answer = await this.send(what, () => this.http.get(`/contracts/${encodeURIComponent(contractId)}/disputes`));
    return this.expect(what, answer, 200, disputeListSchema);
  }

  /** A week of the contract as the server reviews it (any date of the week names it; the answer names its Monday). */
  async weekReview(contractId: string, week: string): Promise<WeekReview> {
    const what = `week ${week} of ${contractId}`;
    const answer = await this.send(what, () => this.http.get(`/contracts/${encodeURIComponent(contractId)}/weeks/${encodeURIComponent(week)}`));
    return this.expect(what, answer, 200, weekReviewSchema);
  }

  /**
   * The timesheet of whole weeks as the server makes it (CSV or a one-page PDF): its bytes exactly as they came, after
   * checking the status and that the type is the one asked for (an HTML page from something in between is refused).
   */
  async timesheet(contractId: string, format: 'csv' | 'pdf', query: TimesheetQuery): Promise<Buffer> {
    const what = `${format.toUpperCase()} timesheet of ${contractId}`;
    let answer: AxiosResponse<ArrayBuffer>;
    try {
      answer = await this.http.get<ArrayBuffer>(`/contracts/${encodeURIComponent(contractId)}/timesheet.${format}`, {
        params: query,
        responseType: 'arraybuffer',
      });
    } catch (error) {
      throw new ApiRequestError(networkFailure(error), what);
    }
    const bytes = Buffer.from(answer.data);
    if (answer.status !== 200) throw new ApiRequestError(httpFailure(answer.status, bytes.toString('utf8'), answer.headers), what);
    const type = String(answer.headers['content-type'] ?? '');
    if (!type.startsWith(format === 'csv' ? 'text/csv' : 'application/pdf')) {
      throw new ApiRequestError({ kind: 'invalid', status: answer.status, detail: `not a ${format.toUpperCase()} file (${preview(type)})` }, what);
    }
    return bytes;
  }

  /**
   * Opens the contract's policy stream (server-sent events) and resolves with the body once the server accepted
   * it. No timeout on the body: the caller watches the heartbeats and aborts through `signal`.
   */
  async openPolicyStream(contractId: string, signal: AbortSignal): Promise<Readable> {
    const what = `policy stream of ${contractId}`;
    let answer: AxiosResponse<Readable>;
    try {
      answer = await this.http.get<Readable>(`/contracts/${encodeURIComponent(contractId)}/policy/stream`, {
        responseType: 'stream',
        timeout: 0,
        signal,
        headers: { accept: 'text/event-stream' },
      });
    } catch (error) {
      throw new ApiRequestError(networkFailure(error), what);
    }
    const type = String(answer.headers['content-type'] ?? '');
    if (answer.status !== 200 || !type.startsWith('text/event-stream')) {
      const text = await readSome(answer.data, this.timeoutMs);
      throw new ApiRequestError(httpFailure(answer.status, text, answer.headers), what);
    }
    return answer.data;
  }

  private async send(what: string, request: () => Promise<AxiosResponse<string>>): Promise<AxiosResponse<string>> {
    try {
      return await request();
    } catch (error) {
      throw new ApiRequestError(networkFailure(error), what);
    }
  }

  private expect<T extends z.ZodType>(what: string, answer: AxiosResponse<string>, status: number, schema: T): z.infer<T> {
    if (answer.status !== status) throw new ApiRequestError(httpFailure(answer.status, answer.data, answer.headers), what);
    let json: unknown;
    try {
      json = JSON.parse(answer.data);
    } catch {
      throw new ApiRequestError({ kind: 'invalid', status: answer.status, detail: `not JSON (${preview(answer.data)})` }, what);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue?.path.join('.') || 'body';
      throw new ApiRequestError({ kind: 'invalid', status: answer.status, detail: `${where}: ${issue?.message ?? 'unexpected shape'}` }, what);
    }
    return parsed.data;
  }
}

function networkFailure(error: unknown): RequestFailure {
  if (axios.isAxiosError(error)) {
    const timedOut = error.code === 'ECONNABORTED' || error.code === 'ETIMEDOUT' || error.code === 'ERR_CANCELED';
    const detail = timedOut ? 'timed out' : (error.code ?? error.message);
    // maxContentLength exceeded: the server answered, but with far more than any answer of this API.
    if (error.message.includes('maxContentLength')) return { kind: 'invalid', status: error.response?.status ?? 0, detail: 'answer too large' };
    return { kind: 'network', detail };
  }
  return { kind: 'network', detail: error instanceof Error ? error.message : String(error) };
}

function httpFailure(status: number, body: string, headers: Readonly<Record<string, unknown>>): RequestFailure {
  let code: string | null = null;
  let detail = preview(body);
  try {
    const parsed = apiErrorSchema.safeParse(JSON.parse(body));
    if (parsed.success) {
      code = parsed.data.error.code;
      detail = parsed.data.error.message;
    }
  } catch {
    // An error page that is not the API's JSON (a proxy's HTML): keep the preview.
  }
  return { kind: 'http', status, code, detail, retryAfterMs: parseRetryAfter(headers['retry-after']), serverDateMs: parseHttpDate(headers['date']) };
}

/** The answer's Date header as epoch ms: what the server's clock read when it answered. */
function parseHttpDate(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : null;
}

function parseRetryAfter(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds, 3600) * 1000;
  return null;
}

/** The start of a body for a log line or a status message, on one line. */
function preview(body: unknown): string {
  const text = typeof body === 'string' ? body : '';
  if (text.length === 0) return 'empty body';
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 120 ? `${flat.slice(0, 119)}…` : flat;
}

/**
 * Reads the start of an error body. A body that never ends (a server stalling mid-answer) is given up at the
 * deadline: destroying axios's stream does not end an iteration over it, so the read is raced instead, and the
 * caller's abort of the request releases the connection.
 */
async function readSome(stream: Readable, deadlineMs: number, maxBytes = 4096): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  const read = (async () => {
    try {
      for await (const chunk of stream) {
        chunks.push(Buffer.from(chunk as Buffer));
        size += (chunk as Buffer).length;
        if (size >= maxBytes) break;
      }
    } catch {
      // A body cut short: what arrived is enough for the message.
    }
  })();
  let deadline: NodeJS.Timeout | undefined;
  await Promise.race([read, new Promise<void>((resolve) => (deadline = setTimeout(resolve, deadlineMs)))]);
  clearTimeout(deadline);
  stream.destroy();
  return Buffer.concat(chunks).toString('utf8').slice(0, maxBytes);
}
