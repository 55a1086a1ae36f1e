/* global -- a node:test reporter, run by the Windows node.exe under Wine */
// One JSON line per finished test, written to --test-reporter-destination (a file: node.exe under Wine cannot
// write its console to a Unix pipe). tests/integration/wine reads it back and fails on any `fail`.
export default async function* jsonLines(source) {
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    if (event.data.details?.type === 'suite') continue;
    const error = event.data.details?.error;
    yield `${JSON.stringify({
      type: event.type === 'test:pass' ? 'pass' : 'fail',
      name: event.data.name,
      ...(error ? { error: String(error.cause?.stack ?? error.cause ?? error.message) } : {}),
    })}\n`;
  }
}
