import { z } from 'zod';

/** Every error the server sends has this shape, whatever the status. */
export const apiErrorSchema = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
    }),
  })
  .strict();
export type ApiErrorBody = z.infer<typeof apiErrorSchema>;

/**
 * The codes a client may branch on. The agent's uploader treats every 409 and 410 (SCREENSHOTS_DISABLED,
 * SCREENSHOT_DELETED, TIME_ALREADY_BILLED, ...) as a final answer for the item; a refused screenshot's local
 * copy is deleted. RATE_LIMITED (429, with Retry-After) is retried later.
 */
export const API_ERROR_CODES = [
  'VALIDATION_FAILED',
  // The request's headers or body did not arrive within the server's deadline (408): send it again.
  'REQUEST_TIMEOUT',
  'INVALID_JSON',
  'UNSUPPORTED_MEDIA_TYPE',
  'PAYLOAD_TOO_LARGE',
  'UNAUTHENTICATED',
  'INVALID_CREDENTIALS',
  'FORBIDDEN',
  'NOT_FOUND',
  'RATE_LIMITED',
  // The account has as many policy streams open as the server allows: close one (429, with Retry-After).
  'TOO_MANY_STREAMS',
  'ID_MISMATCH',
  'SEGMENT_CONFLICT',
  // The same segment revision uploaded again with other content: the agent reused a revision number.
  'SEGMENT_REVISION_CONFLICT',
  'SEGMENT_OUT_OF_BOUNDS',
  // A minute of the segment is already billed by another segment of the same freelancer (any contract, any
  // device): one freelancer's wall-clock time is billable once. Final for that upload.
  'TIME_ALREADY_BILLED',
  // The segment holds time from before the contract started (its first policy): never billable. Final.
  'TIME_BEFORE_CONTRACT',
  'SEGMENT_NOT_FOUND',
  'SCREENSHOTS_DISABLED',
  'SCREENSHOT_DELETED',
  'SCREENSHOT_CONFLICT',
  'CAPTURE_OUTSIDE_SEGMENT',
  'CAPTURE_IN_FUTURE',
  'INVALID_IMAGE',
  // Accounts: the password rules (the message says which); sign-up closed, or only by invitation.
  'WEAK_PASSWORD',
  'SIGNUP_CLOSED',
  'INVITATION_REQUIRED',
  // Invitations, for whoever holds the token: none with it, or one that can no longer be used.
  'INVITATION_NOT_FOUND',
  'INVITATION_EXPIRED',
  'INVITATION_USED',
  'INVITATION_REVOKED',
  // The invitation was made for another email than the signed-in account's (or the sign-up's).
  'INVITATION_EMAIL_MISMATCH',
  // A contract state change its state does not allow (resume an ended contract, pause an invited one).
  'CONTRACT_STATE_CONFLICT',
  // A segment that starts while the contract was not active (after a pause or its end): final for the agent.
  'CONTRACT_NOT_ACTIVE',
  // 503: the server is not ready for traffic (its database or object store does not answer), or it is shutting down
  // and hands its clients to the other instances: try again (another instance, through the load balancer).
  'NOT_READY',
  'SHUTTING_DOWN',
  // Approving a week that has not ended yet (409).
  'WEEK_NOT_ENDED',
  // The freelancer shrinking the time, or deleting a screenshot, of a week the client approved (409): final for the agent.
  'WEEK_APPROVED',
  // Approving the late part of a week that has no segment arrived after its approval (409).
  'NOTHING_TO_APPROVE',
  'INTERNAL',
] as const;
export type ApiErrorCode = (typeof API_ERROR_CODES)[number];
