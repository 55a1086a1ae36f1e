/**
 * The TEST BRIDGE's page half, as the source of a script injected before the renderer loads: it defines
 * window.worktrace (the WorktraceApi the preload exposes in the app) over the bridge server's HTTP and SSE.
 * Kept as a string so no test-runner transform can slip helpers into it; it is plain ES2020 browser code.
 */
export const PAGE_BRIDGE_SCRIPT = String.raw`
(() => {
  const listeners = new Map();
  let source = null;
  const events = () => {
    if (source) return;
    source = new EventSource('/bridge/events');
    for (const channel of ['state:changed', 'screenshot:taken', 'policy:changed', 'idle:prompt']) {
      source.addEventListener(channel, (event) => {
        const payload = JSON.parse(event.data);
        for (const listener of listeners.get(channel) || []) listener(payload);
      });
    }
  };
  const api = Object.freeze({
    async invoke(channel, request) {
      const response = await fetch('/bridge/invoke', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ channel, request }),
      });
      if (!response.ok) throw new Error('bridge answered ' + response.status);
      return response.json();
    },
    on(channel, listener) {
      events();
      const set = listeners.get(channel) || new Set();
      set.add(listener);
      listeners.set(channel, set);
      return () => set.delete(listener);
    },
  });
  Object.defineProperty(window, 'worktrace', { value: api, writable: false, configurable: false, enumerable: true });
})();
`;
