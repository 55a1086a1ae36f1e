/**
 * The base of every error a person may see: a stable code (tests and UIs switch on it) and a one-line message
 * that says what happened and what to do. Each subsystem names its own codes as a union and extends this.
 */
export class CodedError<Code extends string = string> extends Error {
  constructor(
    readonly code: Code,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

export function isCodedError(error: unknown): error is CodedError {
  return error instanceof CodedError;
}
