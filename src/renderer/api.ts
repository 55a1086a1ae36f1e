import type { WorktraceApi } from '../shared/ipc/contract.js';

declare global {
  interface Window {
    /** Exposed by the preload (in the app) or by the test bridge (in e2e tests). */
    readonly worktrace?: WorktraceApi;
  }
}

export function worktraceApi(): WorktraceApi | null {
  return window.worktrace ?? null;
}
