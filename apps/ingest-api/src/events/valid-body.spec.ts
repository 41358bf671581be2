import 'reflect-metadata';
import fc from 'fast-check';
import { getMetadataStorage } from 'class-validator';
import { createValidationPipe } from '@klantcentraal/http';
import { generateCustomerHistories } from '@klantcentraal/demo-data';
import { CUSTOMER_EVENT_TYPES } from '@klantcentraal/domain';
import { AppendEventsDto, EventEnvelopeDto, RecordedByDto } from './append-events.dto';
import { BulkAppendEventsDto, BulkEventDto } from './bulk-append-events.dto';
import { EVENT_DATA_CLASSES, OrderLineData } from './event-data.dto';
import {
  BULK_EVENT_SHAPE,
  DATA_SHAPES,
  ENVELOPE_SHAPE,
  isValidAppendBody,
  isValidBulkBody,
  ORDER_LINE_SHAPE,
  RECORDED_BY_SHAPE,
  type Shape,
} from './valid-body';

type DtoClass = abstract new (...args: never[]) => unknown;

/** The properties class-validator checks on a DTO class (its whitelist). */
const dtoFields = (cls: DtoClass) =>
  [...new Set(getMetadataStorage().getTargetValidationMetadatas(cls, '', true, false).map((m) => m.propertyName))].sort();
const shapeFields = (shape: Shape) => Object.keys(shape).sort();

const pipe = createValidationPipe();
/** What the ValidationPipe says of a body: accepted, or the 400's details. */
async function pipeVerdict(body: unknown, dto: DtoClass): Promise<'accepted' | unknown> {
  try {
    await pipe.transform(structuredClone(body), { type: 'body', metatype: dto as never });
    return 'accepted';
  } catch (err) {
    return (err as { getResponse(): unknown }).getResponse();
  }
}

/** Realistic events: whole demo customer histories (every catalogue type, optional fields present and absent). */
const demoEvents: Record<string, unknown>[] = [];
for (const customer of generateCustomerHistories({ seed: 11, customers: 40, customerIdPrefix: 'vb-' })) {
  for (const event of customer.events) demoEvents.push({ customerId: customer.customerId, ...(event as object) });
}

describe('valid-body: the fast check knows exactly the DTOs’ fields', () => {
  it.each(CUSTOMER_EVENT_TYPES)('data of %s', (type) => {
    expect(shapeFields(DATA_SHAPES[type])).toEqual(dtoFields(EVENT_DATA_CLASSES[type]));
  });

  it('envelope, bulk event, recordedBy and order line', () => {
    expect(shapeFields(ENVELOPE_SHAPE)).toEqual(dtoFields(EventEnvelopeDto));
    expect(shapeFields(BULK_EVENT_SHAPE)).toEqual(dtoFields(BulkEventDto));
    expect(shapeFields(RECORDED_BY_SHAPE)).toEqual(dtoFields(RecordedByDto));
    expect(shapeFields(ORDER_LINE_SHAPE)).toEqual(dtoFields(OrderLineData));
    expect(dtoFields(BulkAppendEventsDto)).toEqual(['events']);
    expect(dtoFields(AppendEventsDto)).toEqual(['events', 'expectedRevision']);
  });
});

describe('valid-body: says yes exactly when the ValidationPipe accepts', () => {
  it('accepts the demo histories, every catalogue type among them', async () => {
    expect(new Set(demoEvents.map((e) => e.type))).toEqual(new Set(CUSTOMER_EVENT_TYPES));
    const body = { events: demoEvents.slice(0, 1000) };
    expect(isValidBulkBody(body, 10_000)).toBe(true);
    expect(await pipeVerdict(body, BulkAppendEventsDto)).toBe('accepted');
  });

  // One event of a valid body with one thing changed: a field set to arbitrary JSON (including null, wrong types,
  // over-long text, odd numbers), a field removed, or a field added; at any depth the DTOs have.
  const hostile = fc.oneof(
    fc.jsonValue(),
    fc.constantFrom(null, '', ' ', 'x'.repeat(129), 'x'.repeat(201), 'x'.repeat(2049), -1, 0, 0.5, 10, 11, 1e21, -0, 'EUR', 'eur', 'any', 'no-stream'),
    fc.constantFrom('2026-03-01T10:00:00Z', '2026-03-01T10:00:00', '0000-12-31T23:00:00Z', 'a@b.nl', 'not-an-email', '3F0C6A1E-2B7D-4C3A-9A51-0D7E3C1F9B20'),
    fc.uuid(),
  );
  const change = fc.record({
    event: fc.nat(),
    where: fc.constantFrom('envelope', 'data', 'recordedBy', 'line'),
    how: fc.constantFrom('set', 'delete', 'add'),
    key: fc.nat(),
    value: hostile,
    extra: fc.constantFrom('foo', 'customerId', 'eventId', 'expectedRevision', 'lines', 'email'),
  });

  function mutate(events: Record<string, unknown>[], c: { event: number; where: string; how: string; key: number; value: unknown; extra: string }): void {
    type Obj = Record<string, unknown> | undefined;
    const event = events[c.event % events.length];
    const data = event.data as Obj;
    const target: Obj =
      c.where === 'envelope' ? event : c.where === 'data' ? data : c.where === 'recordedBy' ? (event.recordedBy as Obj) : (data?.lines as Obj[] | undefined)?.[0];
    if (!target || typeof target !== 'object') return;
    const keys = Object.keys(target);
    if (c.how === 'add') target[c.extra] = c.value;
    else if (keys.length > 0 && c.how === 'delete') delete target[keys[c.key % keys.length]];
    else if (keys.length > 0) target[keys[c.key % keys.length]] = c.value;
  }

  it('bulk bodies: same verdict as the ValidationPipe on generated mutations', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(demoEvents.length - 3), fc.array(change, { minLength: 1, maxLength: 2 }), async (start, changes) => {
        const events = structuredClone(demoEvents.slice(start, start + 3));
        for (const c of changes) mutate(events, c);
        const body = { events };
        const fast = isValidBulkBody(body, 10_000);
        const verdict = await pipeVerdict(body, BulkAppendEventsDto);
        expect({ fast, accepted: verdict === 'accepted' }).toEqual({ fast: verdict === 'accepted', accepted: verdict === 'accepted' });
      }),
      { numRuns: 600 },
    );
  });

  it('single-customer bodies: same verdict, expectedRevision included', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.nat(demoEvents.length - 2),
        fc.array(change, { maxLength: 2 }),
        fc.option(hostile, { nil: undefined }),
        async (start, changes, revision) => {
          const events = structuredClone(demoEvents.slice(start, start + 2)).map(({ customerId: _, ...e }) => e);
          for (const c of changes) mutate(events, c);
          const body = revision === undefined ? { events } : { expectedRevision: revision, events };
          const fast = isValidAppendBody(body, 1000);
          const verdict = await pipeVerdict(body, AppendEventsDto);
          expect({ fast, accepted: verdict === 'accepted' }).toEqual({ fast: verdict === 'accepted', accepted: verdict === 'accepted' });
        },
      ),
      { numRuns: 400 },
    );
  });

  it('every field of every type at its boundaries: same verdict', async () => {
    const line = { sku: 'SKU-1', quantity: 1, unitPrice: 0 };
    const text = (n: number) => 'x'.repeat(n);
    const candidates: unknown[] = [
      undefined, null, '', ' ', 'x', text(128), text(129), text(200), text(201), text(254), text(255), text(2000), text(2001), text(2048), text(2049),
      -1, 0, -0, 0.5, 1, 9.5, 10, 11, 1e21, true, {}, [], ['c-1'], [''], [text(129)], Array.from({ length: 101 }, (_, i) => `c-${i}`),
      'EUR', 'eur', 'EURO', '2026-03-01T10:00:00Z', '2026-03-01T10:00:00', '2026-03-01T11:00:00+01:00', '0000-12-31T23:00:00Z',
      'a@b.nl', `${text(250)}@b.nl`, 'not-an-email', 'small', 'buyer', 'visit', 'low', 'lead', 'customer', 'hrm', 'account-manager',
      [line], [{ ...line, quantity: 0 }], [{ ...line, extra: 1 }], Array.from({ length: 501 }, () => line),
    ];
    const byType = new Map(demoEvents.map((e) => [e.type as string, e]));
    for (const type of CUSTOMER_EVENT_TYPES) {
      for (const field of Object.keys(DATA_SHAPES[type])) {
        for (const value of candidates) {
          const event = structuredClone(byType.get(type)!) as { data: Record<string, unknown> };
          if (value === undefined) delete event.data[field];
          else event.data[field] = value;
          const body = { events: [event] };
          const accepted = (await pipeVerdict(body, BulkAppendEventsDto)) === 'accepted';
          expect({ type, field, value, fast: isValidBulkBody(body, 10_000) }).toEqual({ type, field, value, fast: accepted });
        }
      }
    }
  });

  it('refuses what is not a body of events: no object, no events, empty, too many, repeated eventIds', () => {
    const one = demoEvents[0];
    const id = '3f0c6a1e-2b7d-4c3a-9a51-0d7e3c1f9b20';
    for (const body of [null, [], 'x', {}, { events: [] }, { events: one }, { events: [one], extra: 1 }, { events: [{ ...one, eventId: id }, { ...one, eventId: id.toUpperCase() }] }]) {
      expect(isValidBulkBody(body, 10_000)).toBe(false);
    }
    expect(isValidBulkBody({ events: [one, one] }, 1)).toBe(false);
  });
});
