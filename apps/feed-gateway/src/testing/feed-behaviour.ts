/**
 * What the SSE feed must do in either mode (Kafka or outbox-only). Called inside a describe block whose beforeAll
 * started the stack; the tests run in order and build on each other's data.
 */
import { OUTBOX_COLUMNS, outboxRowFrom, toCloudEvent, type OutboxRow } from '@klantcentraal/messaging';
import { InsightFeed } from '../feed/insight-feed';
import { tailFeed } from '../tail/feed-tail';
import {
  eventually,
  feedUrl,
  keyOf,
  OPEN_COMPLAINT,
  PERSONAL,
  salesHeaders,
  SCENARIO,
  SseCollector,
  type FeedStack,
} from './feed-fixtures';

export async function outboxRows(stack: FeedStack, where = 'true', params: unknown[] = []): Promise<OutboxRow[]> {
  const { rows } = await stack.db.pool.query(`SELECT ${OUTBOX_COLUMNS} FROM feed.insight_outbox WHERE ${where} ORDER BY seq`, params);
  return rows.map(outboxRowFrom);
}

/** The SSE messages a row must give: id, event and data (the relay's CloudEvent). */
export const sseOf = (row: OutboxRow) => ({ id: row.id, event: `insight.${row.type}`, data: toCloudEvent(row) });
const received = (collector: SseCollector) => collector.messages.map((m) => ({ id: m.id, event: m.event, data: JSON.parse(m.data) }));

export function feedBehaviour(stackOf: () => FeedStack | undefined): void {
  let stack: FeedStack;
  let all: SseCollector;
  let mine: SseCollector;
  let lateOnes: SseCollector;

  beforeAll(() => {
    const started = stackOf();
    // A stack that did not start fails every test here (its beforeAll error says why); none passes without running.
    if (!started) throw new Error('the feed stack did not start');
    stack = started;
  });

  it('streams the insights live as SSE, per filter, in outbox order, with the CloudEvent as data and no personal data', async () => {
    all = await SseCollector.open(feedUrl(stack.url), { authorization: `Bearer ${keyOf('admin')}` });
    mine = await SseCollector.open(feedUrl(stack.url, { accountManager: 'u-17' }), salesHeaders());
    lateOnes = await SseCollector.open(feedUrl(stack.url, { types: 'complaint-sla-breached,insight.expectation-missed' }), salesHeaders());
    expect(all.status).toBe(200);
    expect(all.contentType).toMatch(/^text\/event-stream/);

    let last = 0;
    for (const [customerId, events] of Object.entries(SCENARIO)) last = await stack.ingest(customerId, events);
    await stack.projected(last);

    const rows = await outboxRows(stack);
    expect(new Set(rows.map((r) => r.type))).toEqual(
      new Set(['lifecycle-phase-changed', 'customer-became-loyal', 'customer-at-risk', 'detractor-responded', 'complaint-sla-breached', 'expectation-missed']),
    );
    const forU17 = rows.filter((r) => r.accountManager === 'u-17');
    const late = rows.filter((r) => r.type === 'complaint-sla-breached' || r.type === 'expectation-missed');
    expect(late.map((r) => [r.customerId, r.type])).toEqual([
      ['complaint-1', 'complaint-sla-breached'],
      ['quote-1', 'expectation-missed'],
    ]);

    await all.waitForMessages(rows.length);
    await mine.waitForMessages(forU17.length);
    await lateOnes.waitForMessages(late.length);
    expect(received(all)).toEqual(rows.map(sseOf));
    expect(received(mine)).toEqual(forU17.map(sseOf));
    expect(received(lateOnes)).toEqual(late.map(sseOf));

    const text = all.messages.map((m) => m.data).join('\n');
    for (const personal of PERSONAL) expect(text).not.toContain(personal);
    expect(text).not.toContain('improvement"');
    const detractor = all.events.find((e) => e.type === 'insight.detractor-responded') as { data: Record<string, unknown> };
    expect(detractor.data).toMatchObject({ customerId: 'detractor-1', accountManager: 'u-17', score: 2, surveyId: 'S-1', hasImprovement: true });
  });

  it('Last-Event-ID (header or lastEventId) resumes with exactly the rest, then live', async () => {
    const allIds = all.messages.map((m) => m.id);
    for (const k of [0, 3, allIds.length - 2]) {
      const resumed = await SseCollector.open(feedUrl(stack.url), salesHeaders({ 'last-event-id': allIds[k]! }));
      await resumed.waitForMessages(allIds.length - k - 1);
      expect(resumed.messages.map((m) => m.id)).toEqual(allIds.slice(k + 1));
      await resumed.stop();
    }
    const mineIds = mine.messages.map((m) => m.id);
    const resumedMine = await SseCollector.open(feedUrl(stack.url, { accountManager: 'u-17', lastEventId: mineIds[1]! }), salesHeaders());
    await resumedMine.waitForMessages(mineIds.length - 2);
    expect(resumedMine.messages.map((m) => m.id)).toEqual(mineIds.slice(2));

    // The last one: nothing to replay, then live.
    const atEnd = await SseCollector.open(feedUrl(stack.url), salesHeaders({ 'last-event-id': allIds[allIds.length - 1]! }));
    const unknown = await SseCollector.open(feedUrl(stack.url), salesHeaders({ 'last-event-id': 'no-such-id' }));
    const position = await stack.ingest('detractor-1', [
      { type: 'NpsResponded', occurredAt: '2026-03-01T09:00:00Z', data: { surveyId: 'S-2', score: 1 } },
    ]);
    await stack.projected(position);
    const added = await outboxRows(stack, 'global_position = $1', [position]);
    expect(added.map((r) => r.type)).toContain('detractor-responded');
    await atEnd.waitForMessages(added.length);
    await resumedMine.waitForMessages(mineIds.length - 2 + added.length);
    await unknown.waitForMessages(added.length);
    expect(received(atEnd)).toEqual(added.map(sseOf));
    expect(resumedMine.messages.slice(mineIds.length - 2).map((m) => m.id)).toEqual(added.map((r) => r.id));
    expect(unknown.comments.some((c) => c.includes('no-such-id'))).toBe(true);
    await Promise.all([atEnd.stop(), unknown.stop(), resumedMine.stop()]);
  });

  it('keeps idle connections alive with heartbeat comments', async () => {
    await eventually(() => lateOnes.comments.filter((c) => c === 'heartbeat').length, (n) => n >= 2, 5_000, 'two heartbeats');
  });

  it('reports a complaint breached by time alone (no new event) when the timer ticks', async () => {
    const breaches = await SseCollector.open(feedUrl(stack.url, { types: 'complaint-sla-breached', accountManager: 'u-42' }), salesHeaders());
    const position = await stack.ingest('quiet-1', OPEN_COMPLAINT);
    await stack.projected(position);
    stack.setNow('2026-05-03T07:59:59Z');
    expect((await stack.timer.tick()).insights).toBe(0);
    stack.setNow('2026-05-03T09:00:00Z');
    expect(await stack.timer.tick()).toMatchObject({ customers: 1, insights: 1 });
    const [message] = await breaches.waitForMessages(1);
    expect(message.event).toBe('insight.complaint-sla-breached');
    expect(JSON.parse(message.data)).toMatchObject({
      type: 'insight.complaint-sla-breached',
      subject: 'quiet-1',
      time: '2026-05-03T08:00:00.000Z',
      data: { complaintId: 'CP-9', filedAt: '2026-05-02T08:00:00.000Z', targetHours: 24, accountManager: 'u-42', globalPosition: position },
    });
    await breaches.stop();
  });

  it('answers 401 without a key, 403 for an analyst, 400 naming a bad type', async () => {
    const anonymous = await fetch(feedUrl(stack.url));
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ error: 'unauthorized' });
    const analyst = await fetch(feedUrl(stack.url), { headers: { authorization: `Bearer ${keyOf('analyst')}` } });
    expect(analyst.status).toBe(403);
    expect(await analyst.json()).toMatchObject({ error: 'forbidden' });
    const badType = await fetch(feedUrl(stack.url, { types: 'customer-at-risk,customer-happy' }), { headers: salesHeaders() });
    expect(badType.status).toBe(400);
    expect(await badType.json()).toMatchObject({
      error: 'validation',
      details: [{ path: 'types', message: expect.stringContaining('"customer-happy"') }],
    });
    const unknownParameter = await fetch(feedUrl(stack.url, { accountmanager: 'u-17' }), { headers: salesHeaders() });
    expect(unknownParameter.status).toBe(400);
  });

  it('the terminal tail prints one line per insight and resumes with Last-Event-ID after a dropped connection', async () => {
    const lines: string[] = [];
    const notes: string[] = [];
    const stop = new AbortController();
    const expected = (await outboxRows(stack, `account_manager = 'u-17'`)).length;
    const tail = tailFeed(
      { url: stack.url, key: keyOf('sales'), accountManager: 'u-17', types: null, json: false },
      { line: (text) => lines.push(text), note: (text) => notes.push(text) },
      stop.signal,
      200,
    );
    try {
      // Live only at first: the next insight for u-17 comes while connected, the one after while disconnected.
      await eventually(() => notes.length, (n) => n >= 1, 5_000, 'tail connected');
      let position = await stack.ingest('loyal-1', [{ type: 'NpsResponded', occurredAt: '2026-03-20T09:00:00Z', data: { surveyId: 'S-3', score: 4 } }]);
      await stack.projected(position);
      const first = (await outboxRows(stack, 'global_position = $1', [position])).length;
      await eventually(() => lines.length, (n) => n >= first, 10_000, 'tail lines');
      stack.app.get(InsightFeed).closeConnections();
      position = await stack.ingest('loyal-1', [{ type: 'NpsResponded', occurredAt: '2026-03-21T09:00:00Z', data: { surveyId: 'S-4', score: 0 } }]);
      await stack.projected(position);
      const second = await outboxRows(stack, 'global_position = $1', [position]);
      await eventually(() => lines.length, (n) => n >= first + second.length, 10_000, 'tail lines after reconnecting');
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(lines).toHaveLength(first + second.length);
      expect(notes.some((note) => note.includes('resuming after'))).toBe(true);
      expect(lines[lines.length - 1]).toMatch(/^2026-03-21 09:00:00Z {2}loyal-1 {2}(detractor-responded|customer-at-risk) {2}.*\[am u-17\]$/);
      expect(lines.some((line) => /detractor-responded {2}NPS 0 on survey S-4/.test(line))).toBe(true);
      expect((await outboxRows(stack, `account_manager = 'u-17'`)).length).toBe(expected + first + second.length);
    } finally {
      stop.abort();
      await tail;
    }
  });

  afterAll(async () => {
    await Promise.all([all?.stop(), mine?.stop(), lateOnes?.stop()]);
  });
}
