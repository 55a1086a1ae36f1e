import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackends } from '../support/backends.js';
import { activeContract, signedInAccount, type Account } from '../support/contracts.js';
import { segmentBody, startTestServer, type TestServer } from '../support/server.js';

const MIN = 60_000;
const at = (iso: string) => Date.parse(iso);
const NO_TIME = { trackedSeconds: 0, billableSeconds: 0, idleSeconds: 0, removedSeconds: 0 };
const MARKUP = '<img src=x onerror="alert(1)"><b>not bold</b> & "quotes"';

/**
 * Issue 14, disputes: the contract's client disputes one segment with a note instead of approving it. Approving the
 * week approves everything but the disputed segments; a dispute is opened or its note replaced only while the week
 * is not approved; withdrawn after the approval, the segment's time joins it at the withdrawal's own time. Both
 * parties read the note (diary, week review, the list), as text. Weeks in Europe/Berlin, on the fake clock.
 */
describe.each(testBackends())('segment disputes on $name', (backend) => {
  let server: TestServer;
  let client: Account;
  let freelancer: Account;
  let contractId: string;

  beforeAll(async () => {
    server = await startTestServer(backend);
    server.clock.setWall(at('2026-01-05T09:00:00Z')); // Monday 10:00 in Berlin
    client = await signedInAccount(server, 'client');
    freelancer = await signedInAccount(server, 'freelancer');
    contractId = await activeContract(server, client, freelancer);
  });
  afterAll(async () => server?.close());

  const disputePath = (segmentId: string, contract = contractId) => `/api/v1/contracts/${contract}/segments/${segmentId}/dispute`;
  const dispute = (who: Account, segmentId: string, note: unknown, contract = contractId) =>
    server.request('PUT', disputePath(segmentId, contract), { token: who.token, json: { note } });
  const withdraw = (who: Account, segmentId: string, contract = contractId) => server.request('DELETE', disputePath(segmentId, contract), { token: who.token });
  const week = async (who: Account, date: string, contract = contractId) => {
    const answer = await server.request('GET', `/api/v1/contracts/${contract}/weeks/${date}`, { token: who.token });
    expect(answer.status, answer.text).toBe(200);
    return answer.json;
  };
  const approve = (date: string, contract = contractId) => server.request('POST', `/api/v1/contracts/${contract}/weeks/${date}/approval`, { token: client.token });
  async function diarySegment(who: Account, segmentId: string, contract = contractId) {
    const range = `from=${new Date(at('2025-12-01T00:00:00Z')).toISOString()}&to=${new Date(at('2026-02-01T00:00:00Z')).toISOString()}`;
    const answer = await server.request('GET', `/api/v1/contracts/${contract}/diary?${range}`, { token: who.token });
    expect(answer.status, answer.text).toBe(200);
    return (answer.json.segments as Array<{ id: string; dispute: unknown }>).find((s) => s.id === segmentId);
  }
  async function upload(startedAt: number, minutes: number, contract = contractId) {
    const body = segmentBody({ contractId: contract, startedAt, minutes });
    const answer = await server.request('PUT', `/api/v1/segments/${body.id}`, { token: freelancer.token, json: body });
    expect(answer.status, answer.text).toBe(200);
    return body.id;
  }

  let tuesday: string;
  let wednesday: string;

  it('lets the client dispute a segment with a note that both parties read in the diary, the week and the list', async () => {
    server.clock.setWall(at('2026-01-06T12:30:00Z'));
    tuesday = await upload(at('2026-01-06T12:00:00Z'), 5);
    server.clock.setWall(at('2026-01-07T12:30:00Z'));
    wednesday = await upload(at('2026-01-07T12:00:00Z'), 4);

    const opened = await dispute(client, tuesday, `  ${MARKUP}\n `);
    expect(opened.status, opened.text).toBe(200);
    expect(opened.json).toEqual({ contractId, segmentId: tuesday, startedAt: '2026-01-06T12:00:00.000Z', note: MARKUP, at: '2026-01-07T12:30:00.000Z' });

    for (const who of [client, freelancer]) {
      expect((await diarySegment(who, tuesday))?.dispute).toEqual({ note: MARKUP, at: '2026-01-07T12:30:00.000Z' });
      expect((await diarySegment(who, wednesday))?.dispute).toBeNull();
      const review = await week(who, '2026-01-05');
      expect(review.state).toBe('open');
      expect(review.disputed).toEqual({ totals: { trackedSeconds: 300, billableSeconds: 300, idleSeconds: 0, removedSeconds: 0 }, segments: 1 });
      expect(review.disputes).toEqual([{ segmentId: tuesday, startedAt: '2026-01-06T12:00:00.000Z', note: MARKUP, at: '2026-01-07T12:30:00.000Z' }]);
      expect(review.withdrawn).toEqual([]);
      expect(review.totals.trackedSeconds).toBe(540); // the disputed segment stays in the week's time
      const list = await server.request('GET', `/api/v1/contracts/${contractId}/disputes`, { token: who.token });
      expect(list.status, list.text).toBe(200);
      expect(list.json).toEqual({ contractId, disputes: review.disputes, more: false });
    }
    // The note is JSON text, never served as a page.
    expect(opened.headers.get('content-type')).toMatch(/^application\/json/);
  });

  it('refuses the freelancer (403) and strangers (404), and another contract\'s segment (404), changing nothing', async () => {
    const byFreelancer = await dispute(freelancer, wednesday, 'I dispute my own time');
    expect([byFreelancer.status, byFreelancer.json.error.code]).toEqual([403, 'FORBIDDEN']);
    expect([(await withdraw(freelancer, tuesday)).status]).toEqual([403]);

    const stranger = await signedInAccount(server, 'stranger');
    expect((await dispute(stranger, wednesday, 'not mine')).json.error.code).toBe('NOT_FOUND');
    expect((await withdraw(stranger, tuesday)).status).toBe(404);
    expect((await server.request('GET', `/api/v1/contracts/${contractId}/disputes`, { token: stranger.token })).status).toBe(404);

    // The same client's other contract: its segment is not this contract's, nor this one's segment that contract's.
    const other = await activeContract(server, client, freelancer);
    server.clock.setWall(at('2026-01-07T13:30:00Z'));
    const otherSegment = await upload(at('2026-01-07T13:00:00Z'), 2, other);
    const crossed = await dispute(client, otherSegment, 'wrong contract');
    expect([crossed.status, crossed.json.error.code]).toEqual([404, 'SEGMENT_NOT_FOUND']);
    expect((await dispute(client, wednesday, 'wrong contract', other)).status).toBe(404);
    expect((await withdraw(client, tuesday, other)).status).toBe(404);

    const review = await week(client, '2026-01-05');
    expect(review.disputes.map((d: { segmentId: string }) => d.segmentId)).toEqual([tuesday]);
    expect((await diarySegment(client, otherSegment, other))?.dispute).toBeNull();
  });

  it('refuses a note that is empty, too long, or holds control characters with a coded 400, and keeps the old one', async () => {
    const bad = ['', '   \n\t ', 'x'.repeat(2001), 'bell\u0007', 'nul\u0000', 'line\nbreak', 'lone \ud800 surrogate', 42, null];
    for (const note of bad) {
      const answer = await dispute(client, tuesday, note);
      expect([answer.status, answer.json.error.code], JSON.stringify(note)).toEqual([400, 'VALIDATION_FAILED']);
    }
    const extra = await server.request('PUT', disputePath(tuesday), { token: client.token, json: { note: 'fine', severity: 'high' } });
    expect(extra.status).toBe(400);
    expect((await diarySegment(freelancer, tuesday))?.dispute).toEqual({ note: MARKUP, at: '2026-01-07T12:30:00.000Z' });
    // At the limit: 2000 characters (after trimming) are a note.
    const longest = 'é'.repeat(2000);
    expect((await dispute(client, wednesday, ` ${longest} `)).json.note).toBe(longest);
    expect((await withdraw(client, wednesday)).status).toBe(204);
  });

  it('replaces the note while the week is not approved; the approval leaves the disputed segment out and refuses a change', async () => {
    server.clock.setWall(at('2026-01-12T08:00:00Z'));
    const replaced = await dispute(client, tuesday, 'Tuesday 13:00-13:05: the screenshot shows a video site');
    expect(replaced.json).toMatchObject({ note: 'Tuesday 13:00-13:05: the screenshot shows a video site', at: '2026-01-12T08:00:00.000Z' });
    expect((await week(freelancer, '2026-01-05')).disputes).toHaveLength(1);

    const approved = await approve('2026-01-05');
    expect(approved.status, approved.text).toBe(200);
    expect(approved.json).toMatchObject({ state: 'approved', disputed: { segments: 1 }, withdrawn: [] });
    expect(approved.json.disputed.totals.billableSeconds).toBe(300);

    server.clock.advance(10 * MIN);
    for (const note of ['another note', 'Tuesday 13:00-13:05: the screenshot shows a video site']) {
      const refused = await dispute(client, tuesday, note);
      expect([refused.status, refused.json.error.code]).toEqual([409, 'WEEK_APPROVED']);
    }
    const refused = await dispute(client, wednesday, 'too late');
    expect([refused.status, refused.json.error.code]).toEqual([409, 'WEEK_APPROVED']);
    const review = await week(freelancer, '2026-01-05');
    expect(review.disputes).toEqual([{ segmentId: tuesday, startedAt: '2026-01-06T12:00:00.000Z', note: 'Tuesday 13:00-13:05: the screenshot shows a video site', at: '2026-01-12T08:00:00.000Z' }]);
  });

  it('withdrawn after the approval, the segment joins it at the withdrawal, recorded with that time; a repeat changes nothing', async () => {
    server.clock.setWall(at('2026-01-13T09:00:00Z'));
    expect((await withdraw(client, tuesday)).status).toBe(204);
    server.clock.advance(MIN);
    expect((await withdraw(client, tuesday)).status).toBe(204);

    for (const who of [client, freelancer]) {
      const review = await week(who, '2026-01-05');
      expect(review.disputed).toEqual({ totals: NO_TIME, segments: 0 });
      expect(review.disputes).toEqual([]);
      expect(review.withdrawn).toEqual([
        { segmentId: tuesday, startedAt: '2026-01-06T12:00:00.000Z', note: 'Tuesday 13:00-13:05: the screenshot shows a video site', at: '2026-01-12T08:00:00.000Z', withdrawnAt: '2026-01-13T09:00:00.000Z' },
      ]);
      expect(review.approval).toEqual({ at: '2026-01-12T08:00:00.000Z', by: 'client' });
      expect((await diarySegment(who, tuesday))?.dispute).toBeNull();
    }
    // Closed for good: the approved week takes no new dispute of it either.
    expect((await dispute(client, tuesday, 'again')).json.error.code).toBe('WEEK_APPROVED');
  });

  it('approves with the week a dispute withdrawn before the approval, and the server\'s own approval leaves an open one out', async () => {
    const zoned = await activeContract(server, client, freelancer, { timeZone: 'America/New_York' });
    server.clock.setWall(at('2026-01-13T15:00:00Z'));
    const kept = await upload(at('2026-01-13T14:00:00Z'), 4, zoned);
    server.clock.setWall(at('2026-01-14T15:00:00Z'));
    const settled = await upload(at('2026-01-14T14:00:00Z'), 2, zoned);
    expect((await dispute(client, kept, 'what is this?', zoned)).status).toBe(200);
    expect((await dispute(client, settled, 'and this?', zoned)).status).toBe(200);
    expect((await withdraw(client, settled, zoned)).status).toBe(204);

    // The week of 2026-01-12 in New York is approved by the server on 2026-01-24 05:00 UTC.
    server.clock.setWall(at('2026-01-24T04:59:00Z'));
    expect((await dispute(client, kept, 'still asking: what is this?', zoned)).status).toBe(200);
    server.clock.setWall(at('2026-01-24T05:00:00Z'));
    const late = await dispute(client, kept, 'one more word', zoned);
    expect([late.status, late.json.error.code]).toEqual([409, 'WEEK_APPROVED']);
    const review = await week(freelancer, '2026-01-13', zoned);
    expect(review).toMatchObject({ state: 'approved', approval: { by: 'server' }, disputed: { segments: 1 }, withdrawn: [] });
    expect(review.disputes).toEqual([{ segmentId: kept, startedAt: '2026-01-13T14:00:00.000Z', note: 'still asking: what is this?', at: '2026-01-24T04:59:00.000Z' }]);
    expect(review.disputed.totals).toEqual({ trackedSeconds: 240, billableSeconds: 240, idleSeconds: 0, removedSeconds: 0 });
  });

  it('lists the open disputes newest segment first, for both parties', async () => {
    const listed = await server.request('GET', `/api/v1/contracts/${contractId}/disputes`, { token: freelancer.token });
    expect(listed.json).toEqual({ contractId, disputes: [], more: false });
    server.clock.setWall(at('2026-01-19T12:00:00Z'));
    const first = await upload(at('2026-01-19T09:00:00Z'), 2);
    const second = await upload(at('2026-01-19T10:00:00Z'), 2);
    await dispute(client, first, 'first');
    await dispute(client, second, 'second');
    const both = await server.request('GET', `/api/v1/contracts/${contractId}/disputes`, { token: freelancer.token });
    expect(both.json.disputes.map((d: { note: string }) => d.note)).toEqual(['second', 'first']);
  });
});
