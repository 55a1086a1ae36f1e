import type { Policy } from '../../../../src/shared/protocol/index.js';

const RETRY_MS = 3000;

/** The server refused the stream for now (429) and said when to ask again. */
class StreamRefused extends Error {
  override readonly name = 'StreamRefused';
  constructor(readonly retryAfterMs: number) {
    super('too many policy streams open');
  }
}

export interface PolicyStreamHandlers {
  readonly onPolicy: (policy: Policy) => void;
  /** The server no longer accepts the token: the stream stops for good. */
  readonly onUnauthenticated: () => void;
}

/**
 * Follows GET /contracts/{id}/policy/stream. EventSource cannot send an Authorization header, so the
 * stream is read through fetch() and parsed here (only the `event:` and `data:` fields the server
 * sends). A dropped connection is reopened after a pause (a 429 after its Retry-After); 401/403/404 end it. Returns a function
 * that closes the stream.
 */
export function watchPolicy(token: string, contractId: string, handlers: PolicyStreamHandlers): () => void {
  const abort = new AbortController();
  let retry: number | undefined;

  const open = async (): Promise<void> => {
    const response = await fetch(`/api/v1/contracts/${contractId}/policy/stream`, {
      headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
      signal: abort.signal,
      cache: 'no-store',
    });
    if (response.status === 401) {
      handlers.onUnauthenticated();
      return;
    }
    if (response.status === 429) {
      // Too many streams open for this account (other tabs): ask again when the server says.
      throw new StreamRefused(Number(response.headers.get('retry-after')) * 1000 || RETRY_MS);
    }
    if (!response.ok || !response.body) {
      if (response.status >= 400 && response.status < 500) return; // not a party (any more): nothing to follow
      throw new Error(`policy stream answered ${response.status}`);
    }
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) throw new Error('policy stream ended');
      buffer += value.replace(/\r\n/g, '\n');
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        dispatch(buffer.slice(0, end), handlers);
        buffer = buffer.slice(end + 2);
      }
    }
  };

  const run = () => {
    open().catch((error: unknown) => {
      if (!abort.signal.aborted) retry = window.setTimeout(run, error instanceof StreamRefused ? error.retryAfterMs : RETRY_MS);
    });
  };
  run();
  return () => {
    abort.abort();
    window.clearTimeout(retry);
  };
}

function dispatch(block: string, handlers: PolicyStreamHandlers): void {
  let event = 'message';
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith('event:')) event = line.slice(6).trim();
    else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
  }
  if (event !== 'policy' || data.length === 0) return; // comments (heartbeats) and retry hints
  try {
    handlers.onPolicy(JSON.parse(data.join('\n')) as Policy);
  } catch {
    // A malformed event is skipped; the next version brings the whole policy again.
  }
}
