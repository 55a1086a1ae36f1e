import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackends, type Backend } from '../support/backends.js';
import { createWorld, segmentBody, segmentStart, startTestServer, type TestServer, type World } from '../support/server.js';

/**
 * Answers carry the server's own clock in Date (the clock it judges "in the future" by), so an agent refused for a
 * time can tell its clock from its record. The test server runs on a fake clock set days away from the real one.
 */
describe.each(testBackends())('the Date header on $name', (backend: Backend) => {
  let server: TestServer;
  let world: World;
  beforeAll(async () => {
    server = await startTestServer(backend, { tokenTtlMs: 400 * 86_400_000 });
    world = await createWorld(server);
    server.clock.setWall(server.clock.now() + 100 * 86_400_000 + 500); // far from the machine's clock, tokens still valid
  });
  afterAll(async () => server?.close());

  it('reads the server clock on successes, refusals and unknown routes alike', async () => {
    const expected = new Date(server.clock.now()).toUTCString();
    expect((await server.request('GET', '/api/v1/contracts', { token: world.freelancer.token })).headers.get('date')).toBe(expected);
    expect((await server.request('GET', '/api/v1/contracts')).headers.get('date')).toBe(expected);
    expect((await server.request('GET', '/api/v1/no-such-route')).headers.get('date')).toBe(expected);
    // The refusal an agent with a clock running ahead gets: its segment starts after the server's now.
    const ahead = segmentBody({ contractId: world.contract.id, startedAt: segmentStart(server.clock.now()) + 3 * 3_600_000 });
    const refused = await server.request('PUT', `/api/v1/segments/${ahead.id}`, { token: world.freelancer.token, json: ahead });
    expect([refused.status, refused.json.error.code]).toEqual([422, 'SEGMENT_OUT_OF_BOUNDS']);
    expect(refused.headers.get('date')).toBe(expected);
  });
});
