import type { OpportunityStage, OpportunityStageChanged, StoredCustomerEvent } from '../events';
import { evolveOpportunity, replayOpportunities, summariseFunnel } from './funnel.read-model';
import { DAY, plus, storedEvents } from './testing/stored-event.fixture';

const T0 = '2026-01-01T00:00:00.000Z';
const day = (n: number): string => plus(T0, n * DAY);

function pipeline() {
  const streams = new Map<string, ReturnType<typeof storedEvents>>();
  let position = 1;
  const events: StoredCustomerEvent[] = [];
  return {
    events,
    moved(customerId: string, opportunityId: string, stage: OpportunityStage, occurredAt: string) {
      const stream = streams.get(customerId) ?? storedEvents(customerId);
      streams.set(customerId, stream);
      const event = stream.event('OpportunityStageChanged', { opportunityId, stage }, occurredAt, { globalPosition: position++ });
      events.push(event);
      return event;
    },
  };
}

describe('funnel read model', () => {
  it('keeps each opportunity stage history in occurredAt order, whatever the recording order', () => {
    const p = pipeline();
    const proposal = p.moved('C-1', 'OP-1', 'proposal', day(5));
    const lead = p.moved('C-1', 'OP-1', 'lead', day(1));
    const history = [proposal, lead].reduce<ReturnType<typeof evolveOpportunity> | null>(
      (state, event) => evolveOpportunity(state, event as StoredCustomerEvent<OpportunityStageChanged>),
      null,
    );
    expect(history).toEqual({
      customerId: 'C-1',
      opportunityId: 'OP-1',
      stages: [
        { occurredAt: day(1), streamRevision: 1, globalPosition: 2, stage: 'lead', value: null },
        { occurredAt: day(5), streamRevision: 0, globalPosition: 1, stage: 'proposal', value: null },
      ],
    });
    expect(evolveOpportunity(history, lead as StoredCustomerEvent<OpportunityStageChanged>)).toBe(history);
  });

  it('keeps opportunities of different customers apart and skips other events', () => {
    const p = pipeline();
    p.moved('C-1', 'OP-1', 'lead', day(1));
    p.moved('C-2', 'OP-1', 'lead', day(1));
    p.moved('C-2', 'OP-1', 'won', day(2));
    const other = storedEvents('C-3').event('MailSent', { mailId: 'M-1' }, day(1));
    const histories = replayOpportunities([...p.events, other]);
    expect(histories.map((h) => [h.customerId, h.opportunityId, h.stages.length])).toEqual([
      ['C-1', 'OP-1', 1],
      ['C-2', 'OP-1', 2],
    ]);
  });

  it('counts entries, reach and current stage per period, and converts reach to reach', () => {
    const p = pipeline();
    p.moved('C-1', 'A', 'lead', day(-5)); // before the period: not entered, but current
    p.moved('C-1', 'B', 'lead', day(1));
    p.moved('C-1', 'B', 'qualified', day(2));
    p.moved('C-1', 'B', 'proposal', day(3));
    p.moved('C-2', 'C', 'lead', day(1));
    p.moved('C-2', 'C', 'proposal', day(4)); // skips qualified: passes through it
    p.moved('C-2', 'C', 'won', day(9));
    p.moved('C-3', 'D', 'lead', day(2));
    p.moved('C-3', 'D', 'lost', day(6));
    p.moved('C-3', 'E', 'lead', day(10)); // at `to`: outside the period (it excludes `to`)

    const summary = summariseFunnel(replayOpportunities(p.events), day(0), day(10));
    expect(summary.stages).toEqual([
      { stage: 'lead', entered: 3, reached: 3, current: 1 },
      { stage: 'qualified', entered: 1, reached: 2, current: 0 },
      { stage: 'proposal', entered: 2, reached: 2, current: 1 },
      { stage: 'negotiation', entered: 0, reached: 1, current: 0 },
      { stage: 'won', entered: 1, reached: 1, current: 1 },
      { stage: 'lost', entered: 1, reached: 1, current: 1 },
    ]);
    expect(summary.conversions).toEqual([
      { from: 'lead', to: 'qualified', rate: 2 / 3 },
      { from: 'qualified', to: 'proposal', rate: 1 },
      { from: 'proposal', to: 'negotiation', rate: 0.5 },
      { from: 'negotiation', to: 'won', rate: 1 },
    ]);
  });

  it('has no conversion rate for a stage nobody reached, and rejects an empty period', () => {
    const summary = summariseFunnel([], day(0), day(1));
    expect(summary.conversions.map((conversion) => conversion.rate)).toEqual([null, null, null, null]);
    expect(summary.stages.every((row) => row.entered === 0 && row.reached === 0 && row.current === 0)).toBe(true);
    expect(() => summariseFunnel([], day(1), day(1))).toThrow(RangeError);
  });
});
