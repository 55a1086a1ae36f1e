import type {
  ApiErrorBody,
  BulkDeletion,
  BulkDeletionResult,
  ContractCreate,
  ContractCreated,
  ContractList,
  ContractStateChange,
  ContractSummary,
  ContractUpdate,
  Diary,
  DisputeRequest,
  DisputeResult,
  InvitationCreated,
  InvitationList,
  InvitationSummary,
  InvitationView,
  LoginResponse,
  PasswordChangeRequest,
  PasswordChangeResponse,
  PolicyUpdate,
  ScreenshotDeleteResponse,
  SignupInfo,
  SignupRequest,
  WeekReview,
} from '../../../../src/shared/protocol/api/index.js';
import type { Policy } from '../../../../src/shared/protocol/index.js';
import { watchPolicy } from './policy-stream.js';

const API = '/api/v1';

/** A refused or failed API call, with the server's error code when it sent one. */
export class ApiRequestError extends Error {
  override readonly name = 'ApiRequestError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function failure(response: Response): Promise<ApiRequestError> {
  try {
    const body = (await response.json()) as ApiErrorBody;
    return new ApiRequestError(response.status, body.error.code, body.error.message);
  } catch {
    return new ApiRequestError(response.status, 'HTTP_' + response.status, `the server answered ${response.status}`);
  }
}

/** A call that needs no session (signing in, the sign-up rules, what an invitation token offers). */
async function publicCall<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${API}/${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    cache: 'no-store',
  });
  if (!response.ok) throw await failure(response);
  return (await response.json()) as T;
}

export const signIn = (email: string, password: string): Promise<LoginResponse> => publicCall('POST', 'auth/token', { email, password });
export const signupInfo = (): Promise<SignupInfo> => publicCall('GET', 'auth/signup');
export const signUp = (request: SignupRequest): Promise<LoginResponse> => publicCall('POST', 'auth/signup', request);
/** The invitation token travels in a body, never in a URL (request lines end up in logs). */
export const lookUpInvitation = (token: string): Promise<InvitationView> => publicCall('POST', 'invitations/lookup', { token });
export const declineInvitation = (token: string): Promise<InvitationSummary> => publicCall('POST', 'invitations/decline', { token });

/**
 * The signed-in session's view of the API. Every call carries the Bearer token; images too, which is
 * why they are fetched here and shown through blob: URLs rather than linked.
 */
export class ApiClient {
  constructor(
    private readonly token: string,
    /** Called when the server no longer accepts the token (expired, revoked). */
    private readonly onUnauthenticated: () => void,
  ) {}

  private async call(method: string, path: string, body?: unknown): Promise<Response> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(path.startsWith('/') ? path : `${API}/${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
    });
    if (response.status === 401) this.onUnauthenticated();
    if (!response.ok) throw await failure(response);
    return response;
  }

  async contracts(): Promise<ContractList> {
    return (await (await this.call('GET', 'contracts')).json()) as ContractList;
  }

  /** The diary of [from, to), every page of it: the server answers a page at a time and says where the next starts. */
  async diary(contractId: string, from: Date, to: Date): Promise<Diary> {
    const first = await this.diaryPage(contractId, from, to);
    const segments = [...first.segments];
    for (let cursor = first.nextCursor; cursor !== null; ) {
      const page = await this.diaryPage(contractId, from, to, { cursor });
      segments.push(...page.segments);
      cursor = page.nextCursor;
    }
    return { ...first, segments, nextCursor: null };
  }

  /** The week of the contract holding `date` ("YYYY-MM-DD"): its days, totals, state and approval, by the server's rule. */
  async week(contractId: string, date: string): Promise<WeekReview> {
    return (await (await this.call('GET', `contracts/${contractId}/weeks/${date}`)).json()) as WeekReview;
  }

  async approveWeek(contractId: string, date: string): Promise<WeekReview> {
    return (await (await this.call('POST', `contracts/${contractId}/weeks/${date}/approval`)).json()) as WeekReview;
  }

  /** The client disputes one segment with a note (a second call replaces the note). */
  async disputeSegment(contractId: string, segmentId: string, request: DisputeRequest): Promise<DisputeResult> {
    return (await (await this.call('PUT', `contracts/${contractId}/segments/${segmentId}/dispute`, request)).json()) as DisputeResult;
  }

  async withdrawDispute(contractId: string, segmentId: string): Promise<void> {
    await this.call('DELETE', `contracts/${contractId}/segments/${segmentId}/dispute`);
  }

  /** Every screenshot of a day, a week or the whole contract, deleted for good by the client (the time stays billable). */
  async deleteScreenshots(contractId: string, range: BulkDeletion): Promise<BulkDeletionResult> {
    return (await (await this.call('POST', `contracts/${contractId}/screenshots/deletion`, range)).json()) as BulkDeletionResult;
  }

  private async diaryPage(contractId: string, from: Date, to: Date, page: { cursor?: string; limit?: number } = {}): Promise<Diary> {
    const query = new URLSearchParams({ from: from.toISOString(), to: to.toISOString() });
    if (page.cursor !== undefined) query.set('cursor', page.cursor);
    if (page.limit !== undefined) query.set('limit', String(page.limit));
    return (await (await this.call('GET', `contracts/${contractId}/diary?${query.toString()}`)).json()) as Diary;
  }

  async updatePolicy(contractId: string, update: PolicyUpdate): Promise<Policy> {
    return (await (await this.call('PUT', `contracts/${contractId}/policy`, update)).json()) as Policy;
  }

  async createContract(contract: ContractCreate): Promise<ContractCreated> {
    return (await (await this.call('POST', 'contracts', contract)).json()) as ContractCreated;
  }

  async updateContract(contractId: string, update: ContractUpdate): Promise<ContractSummary> {
    return (await (await this.call('PATCH', `contracts/${contractId}`, update)).json()) as ContractSummary;
  }

  async setState(contractId: string, change: ContractStateChange): Promise<ContractSummary> {
    return (await (await this.call('PUT', `contracts/${contractId}/state`, change)).json()) as ContractSummary;
  }

  async invitations(contractId: string): Promise<InvitationList> {
    return (await (await this.call('GET', `contracts/${contractId}/invitations`)).json()) as InvitationList;
  }

  async invite(contractId: string, email: string): Promise<InvitationCreated> {
    return (await (await this.call('POST', `contracts/${contractId}/invitations`, { email })).json()) as InvitationCreated;
  }

  async revokeInvitation(contractId: string, invitationId: string): Promise<InvitationSummary> {
    return (await (await this.call('DELETE', `contracts/${contractId}/invitations/${invitationId}`)).json()) as InvitationSummary;
  }

  async acceptInvitation(token: string): Promise<ContractSummary> {
    return (await (await this.call('POST', 'invitations/accept', { token })).json()) as ContractSummary;
  }

  async changePassword(change: PasswordChangeRequest): Promise<PasswordChangeResponse> {
    return (await (await this.call('PUT', 'auth/password', change)).json()) as PasswordChangeResponse;
  }

  async deleteScreenshot(id: string): Promise<ScreenshotDeleteResponse> {
    return (await (await this.call('DELETE', `screenshots/${id}`)).json()) as ScreenshotDeleteResponse;
  }

  /** Follows the contract's policy as it changes; returns the function that stops following. */
  watchPolicy(contractId: string, onPolicy: (policy: Policy) => void): () => void {
    return watchPolicy(this.token, contractId, { onPolicy, onUnauthenticated: this.onUnauthenticated });
  }

  /**
   * Sign-out (DELETE /auth/token) or, `everywhere`, every sign-in of the person (DELETE /auth/tokens). Resolves
   * 'ended' when the server ended it, 'already-ended' when it no longer knew the token (401); rejects when the server
   * could not be told.
   */
  async signOut(everywhere: boolean): Promise<'ended' | 'already-ended'> {
    const response = await fetch(`${API}/auth/${everywhere ? 'tokens' : 'token'}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${this.token}` },
      cache: 'no-store',
    });
    if (response.status === 204) return 'ended';
    if (response.status === 401) return 'already-ended';
    throw await failure(response);
  }

  /** The timesheet of whole weeks, Monday `from` to Sunday `to` in the contract's zone, as the server writes it. */
  async timesheet(contractId: string, format: 'csv' | 'pdf', from: string, to: string): Promise<Blob> {
    return (await this.call('GET', `contracts/${contractId}/timesheet.${format}?${new URLSearchParams({ from, to }).toString()}`)).blob();
  }

  /** The image behind a diary screenshot's `url` (an API path), as a Blob. */
  async image(url: string): Promise<Blob> {
    return (await this.call('GET', url)).blob();
  }
}
