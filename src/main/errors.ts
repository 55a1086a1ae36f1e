/**
 * Errors the agent shows to a person. Each has a stable code (for tests and for the app's UI) and a
 * message that says what happened and what to do, on one line.
 */
export class AgentError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'AgentError';
  }
}

export function isAgentError(error: unknown): error is AgentError {
  return error instanceof Error && typeof (error as { code?: unknown }).code === 'string' && error.name.endsWith('Error');
}
