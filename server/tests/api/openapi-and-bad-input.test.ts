import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ulid } from 'ulid';
import { testBackends } from '../support/backends.js';
import { listFiles } from '../support/files.js';
import { createWorld, segmentBody, segmentStart, startTestServer, type TestServer, type World } from '../support/server.js';

describe.each(testBackends())('OpenAPI document and bad input on $name', (backend) => {
  let server: TestServer;
  let world: World;
  beforeAll(async () => {
    server = await startTestServer(backend);
    world = await createWorld(server);
  });
  afterAll(async () => server?.close());

  it('describes every route at /api/v1/openapi.json', async () => {
    const doc = await server.request('GET', '/api/v1/openapi.json');
    expect(doc.status).toBe(200);
    expect(doc.json.openapi).toMatch(/^3\./);
    const routes = Object.entries(doc.json.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(routes.sort()).toEqual(
      [
        'POST /api/v1/auth/token',
        'DELETE /api/v1/auth/token',
        'DELETE /api/v1/auth/tokens',
        'GET /api/v1/contracts',
        'GET /api/v1/contracts/{id}/policy',
        'PUT /api/v1/contracts/{id}/policy',
        'GET /api/v1/contracts/{id}/policy/stream',
        'GET /api/v1/contracts/{id}/diary',
        'GET /api/v1/contracts/{id}/screenshots/removed',
        'PUT /api/v1/segments/{id}',
        'PUT /api/v1/screenshots/{id}',
        'GET /api/v1/screenshots/{id}',
        'DELETE /api/v1/screenshots/{id}',
        'GET /api/v1/auth/signup',
        'POST /api/v1/auth/signup',
        'PUT /api/v1/auth/password',
        'POST /api/v1/contracts',
        'PATCH /api/v1/contracts/{id}',
        'PUT /api/v1/contracts/{id}/state',
        'GET /api/v1/contracts/{id}/invitations',
        'POST /api/v1/contracts/{id}/invitations',
        'DELETE /api/v1/contracts/{id}/invitations/{invitationId}',
        'POST /api/v1/invitations/lookup',
        'POST /api/v1/invitations/accept',
        'POST /api/v1/invitations/decline',
        'GET /api/v1/health',
        'GET /api/v1/ready',
        'GET /api/v1/contracts/{id}/weeks/{week}',
        'POST /api/v1/contracts/{id}/weeks/{week}/approval',
        'POST /api/v1/contracts/{id}/weeks/{week}/late-approval',
        'POST /api/v1/contracts/{id}/screenshots/deletion',
        'GET /api/v1/contracts/{id}/timesheet.csv',
        'PUT /api/v1/contracts/{id}/segments/{segmentId}/dispute',
        'DELETE /api/v1/contracts/{id}/segments/{segmentId}/dispute',
        'GET /api/v1/contracts/{id}/disputes',
        'GET /api/v1/contracts/{id}/timesheet.pdf',
      ].sort(),
    );
    const segmentPut = doc.json.paths['/api/v1/segments/{id}'].put;
    expect(Object.keys(segmentPut.requestBody.content['application/json'].schema.properties)).toEqual(
      expect.arrayContaining(['id', 'contractId', 'startedAt', 'minutes', 'apps', 'policyVersion']),
    );
    const removed = doc.json.paths['/api/v1/contracts/{id}/screenshots/removed'].get;
    expect(removed.parameters.filter((p: { in: string }) => p.in === 'query').map((p: { name: string }) => p.name).sort()).toEqual(['after', 'from', 'removedSince', 'to']);
    expect(Object.keys(removed.responses).sort()).toEqual(['200', '400', '401', '403', '404']);
    const approval = doc.json.paths['/api/v1/contracts/{id}/weeks/{week}/approval'].post;
    expect(Object.keys(approval.responses).sort()).toEqual(['200', '400', '401', '403', '404', '409']);
    for (const format of ['csv', 'pdf']) {
      const timesheet = doc.json.paths[`/api/v1/contracts/{id}/timesheet.${format}`].get;
      expect(timesheet.parameters.filter((p: { in: string }) => p.in === 'query').map((p: { name: string }) => p.name).sort()).toEqual(['from', 'to']);
      expect(Object.keys(timesheet.responses).sort()).toEqual(['200', '400', '401', '403', '404']);
    }
    const dispute = doc.json.paths['/api/v1/contracts/{id}/segments/{segmentId}/dispute'];
    expect(Object.keys(dispute.put.responses).sort()).toEqual(['200', '400', '401', '403', '404', '409']);
    expect(dispute.put.requestBody.content['application/json'].schema.properties.note).toMatchObject({ type: 'string', minLength: 1, maxLength: 2000 });
    expect(Object.keys(dispute.delete.responses).sort()).toEqual(['204', '400', '401', '403', '404']);
    const lateApproval = doc.json.paths['/api/v1/contracts/{id}/weeks/{week}/late-approval'].post;
    expect(Object.keys(lateApproval.responses).sort()).toEqual(['200', '400', '401', '403', '404', '409']);
  });

  it('answers unknown routes and methods with a JSON 404', async () => {
    for (const [method, path] of [
      ['GET', '/api/v1/nothing'],
      ['PATCH', '/api/v1/contracts'],
      // `/` is the dashboard now; any other path outside the API and the dashboard is unknown.
      ['GET', '/nothing-here'],
      ['DELETE', '/'],
    ] as const) {
      const response = await server.request(method, path, { token: world.client.token });
      expect(response.status).toBe(404);
      expect(response.json.error.code).toBe('NOT_FOUND');
    }
  });

  // Malformed JSON, wrong types, missing/extra fields, bad ids, headers and framing on every route are
  // the generated corpus's (corpus-suite.ts). What stays here is meaning no schema states.
  it('refuses well-formed input that means nothing, with a 4xx, and stores nothing from it', async () => {
    const start = segmentStart(server.clock.now());
    const good = segmentBody({ contractId: world.contract.id, startedAt: start });
    for (const body of [
      { ...good, contractId: ulid() },
      { ...good, startedAt: '1970-01-01T00:00:00+02:00' },
      { ...good, id: ulid() },
    ]) {
      const response = await server.request('PUT', `/api/v1/segments/${good.id}`, { token: world.freelancer.token, json: body });
      expect(response.status, JSON.stringify(body).slice(0, 80)).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
      expect(response.json.error.code).toEqual(expect.any(String));
    }
    for (const path of [
      `/api/v1/contracts/${world.contract.id}/diary?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z`,
      `/api/v1/contracts/${world.contract.id}/diary?from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z`,
    ]) {
      const response = await server.request('GET', path, { token: world.client.token });
      expect(response.status, path).toBeGreaterThanOrEqual(400);
      expect(response.status, path).toBeLessThan(500);
      expect(response.json?.error?.code, `${path}: ${response.status} ${response.text}`).toEqual(expect.any(String));
    }
    expect(await server.repos.segments.find(good.id)).toBeUndefined();
    expect(listFiles(server.storageDir)).toEqual([]);
  });
});
