import { CodedError } from '../shared/errors.js';

/** Errors of the agent's own commands (the CLI and, later, the app): a code and a one-line message. */
export class AgentError extends CodedError {}
