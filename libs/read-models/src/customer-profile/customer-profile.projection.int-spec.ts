import {
  DEFAULT_CUSTOMER_DEFINITION,
  InvalidCustomerDefinitionError,
  parseCustomerDefinition,
  replayCustomerProfile,
} from '@klantcentraal/domain';
import { generateDemoData } from '@klantcentraal/demo-data';
import type { TestDatabase } from '@klantcentraal/testing';
import {
  activeCustomerDefinition,
  fixedCustomerDefinition,
  setCustomerDefinition,
} from '../customer-definition/customer-definition.store';
import { createProjections } from '../projections';
import { READ_MODEL_SCHEMA } from '../read-model-schema';
import {
  createReadModelDatabase,
  createScratchSchema,
  EventLog,
  project,
  storedEvents,
  tableRows,
} from '../testing/read-model-fixtures';

const TABLES = [
  'customer_profiles',
  'lifecycle_phase_history',
  'complaints',
  'experiences',
  'nps_responses',
  'opportunity_stages',
];

/** Two customers whose histories touch every read model. */
function twoCustomers(): EventLog {
  const log = new EventLog();
  const acme = log.customer('C-1');
  const bakker = log.customer('C-2');
  acme('ProspectRegistered', { name: 'Acme BV', size: 'medium' }, '2025-01-01T09:00:00Z'); // 1
  acme('AccountManagerAssigned', { employeeId: 'am-1', salesRole: 'account-manager' }, '2025-01-02T09:00:00Z'); // 2
  acme('ContactAdded', { contactId: 'p-1', name: 'Ans', dmuRole: 'buyer' }, '2025-01-03T09:00:00Z'); // 3
  bakker('ProspectRegistered', { name: 'Bakker', size: 'small' }, '2025-01-01T12:00:00Z'); // 4
  acme('QuoteRequested', { quoteId: 'Q-1', expectedWithinDays: 2 }, '2025-01-10T09:00:00Z'); // 5
  acme('QuoteSent', { quoteId: 'Q-1', amount: 100, currency: 'EUR' }, '2025-01-11T09:00:00Z'); // 6
  bakker('PurchaseMade', { orderId: 'B-1', lines: [{ sku: 'X', quantity: 1, unitPrice: 5 }], total: 5, currency: 'EUR' }, '2025-01-05T09:00:00Z'); // 7
  acme('PurchaseMade', { orderId: 'O-1', lines: [{ sku: 'X', quantity: 1, unitPrice: 10 }], total: 10, currency: 'EUR' }, '2025-02-01T09:00:00Z'); // 8
  acme('PurchaseMade', { orderId: 'O-2', lines: [{ sku: 'Y', quantity: 2, unitPrice: 10 }], total: 20, currency: 'EUR' }, '2025-03-01T09:00:00Z'); // 9
  acme('NpsResponded', { surveyId: 'S-1', score: 5, improvement: 'faster quotes' }, '2025-03-05T09:00:00Z'); // 10
  acme('ComplaintFiled', { complaintId: 'CP-1', category: 'delivery' }, '2025-03-06T10:00:00Z'); // 11
  acme('ComplaintResolved', { complaintId: 'CP-1' }, '2025-03-07T09:00:00Z'); // 12
  bakker('RelationshipEnded', { initiatedBy: 'customer' }, '2025-06-01T09:00:00Z'); // 13
  acme('ComplaintFiled', { complaintId: 'CP-1', category: 'invoice' }, '2025-03-08T10:00:00Z'); // 14
  acme('OpportunityStageChanged', { opportunityId: 'OP-1', stage: 'lead' }, '2025-04-01T09:00:00Z'); // 15
  bakker('PurchaseMade', { orderId: 'B-2', lines: [{ sku: 'X', quantity: 1, unitPrice: 5 }], total: 5, currency: 'EUR' }, '2025-07-01T09:00:00Z'); // 16
  acme('OpportunityStageChanged', { opportunityId: 'OP-1', stage: 'won', value: 5000 }, '2025-04-10T09:00:00Z'); // 17
  bakker('NpsResponded', { surveyId: 'S-1', score: 10 }, '2025-07-02T09:00:00Z'); // 18
  return log;
}

describe('read-model writers', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createReadModelDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });
  beforeEach(async () => {
    await db.pool.query(`TRUNCATE ${TABLES.map((t) => `read_models.${t}`).join(', ')}`);
    await db.pool.query('DELETE FROM read_models.customer_definitions WHERE version > 1');
  });

  const query = async (sql: string, values: unknown[] = []) => (await db.pool.query(sql, values)).rows;

  it('write the profile row with its derived columns, as of the latest event', async () => {
    await project(db.pool, createProjections(), twoCustomers().events);

    const rows = await query(
      `SELECT customer_id, name, size, account_manager, registered_at, last_occurred_at, last_purchase_at,
              relationship_ended_at, phase_at_last_event, cycle_at_last_event, departed_at_last_event, last_nps_score,
              oldest_open_complaint_filed_at, last_position, definition_version
       FROM read_models.customer_profiles ORDER BY customer_id`,
    );
    expect(rows).toEqual([
      {
        customer_id: 'C-1',
        name: 'Acme BV',
        size: 'medium',
        account_manager: 'am-1',
        registered_at: new Date('2025-01-01T09:00:00Z'),
        last_occurred_at: new Date('2025-04-10T09:00:00Z'),
        last_purchase_at: new Date('2025-03-01T09:00:00Z'),
        relationship_ended_at: null,
        phase_at_last_event: 'loyal-customer',
        cycle_at_last_event: 1,
        departed_at_last_event: false,
        last_nps_score: 5,
        oldest_open_complaint_filed_at: new Date('2025-03-08T10:00:00Z'),
        last_position: 17,
        definition_version: 1,
      },
      {
        customer_id: 'C-2',
        name: 'Bakker',
        size: 'small',
        account_manager: null,
        registered_at: new Date('2025-01-01T12:00:00Z'),
        last_occurred_at: new Date('2025-07-02T09:00:00Z'),
        last_purchase_at: new Date('2025-07-01T09:00:00Z'),
        relationship_ended_at: new Date('2025-06-01T09:00:00Z'),
        phase_at_last_event: 'new-customer',
        cycle_at_last_event: 2,
        departed_at_last_event: false,
        last_nps_score: 10,
        oldest_open_complaint_filed_at: null,
        last_position: 18,
        definition_version: 1,
      },
    ]);
    // The state column is the domain's fold of the stream, nothing else.
    const [{ state }] = await query(`SELECT state FROM read_models.customer_profiles WHERE customer_id = 'C-1'`);
    const events = storedEvents(twoCustomers().events).filter((event) => event.customerId === 'C-1');
    expect(state).toEqual(replayCustomerProfile(events, DEFAULT_CUSTOMER_DEFINITION));
  });

  it('write the phase history, including the departure by inactivity that lies in the future', async () => {
    await project(db.pool, createProjections(), twoCustomers().events);

    const rows = await query(
      `SELECT customer_id, seq, from_phase, to_phase, at, cause, cycle, global_position, definition_version
       FROM read_models.lifecycle_phase_history ORDER BY customer_id, seq`,
    );
    const row = (customer_id: string, seq: number, from_phase: string | null, to_phase: string, at: string, cause: string, cycle: number, global_position: number | null) =>
      ({ customer_id, seq, from_phase, to_phase, at: new Date(at), cause, cycle, global_position, definition_version: 1 });
    expect(rows).toEqual([
      row('C-1', 0, null, 'prospect', '2025-01-01T09:00:00Z', 'ProspectRegistered', 1, 1),
      row('C-1', 1, 'prospect', 'new-customer', '2025-02-01T09:00:00Z', 'PurchaseMade', 1, 8),
      row('C-1', 2, 'new-customer', 'loyal-customer', '2025-03-01T09:00:00Z', 'PurchaseMade', 1, 9),
      row('C-1', 3, 'loyal-customer', 'departed', '2026-03-01T09:00:00Z', 'inactivity', 1, null),
      row('C-2', 0, null, 'prospect', '2025-01-01T12:00:00Z', 'ProspectRegistered', 1, 4),
      row('C-2', 1, 'prospect', 'new-customer', '2025-01-05T09:00:00Z', 'PurchaseMade', 1, 7),
      row('C-2', 2, 'new-customer', 'departed', '2025-06-01T09:00:00Z', 'RelationshipEnded', 1, 13),
      // A departed customer's next purchase starts a new cycle.
      row('C-2', 3, 'departed', 'new-customer', '2025-07-01T09:00:00Z', 'PurchaseMade', 2, 16),
      row('C-2', 4, 'new-customer', 'departed', '2026-07-01T09:00:00Z', 'inactivity', 2, null),
    ]);
  });

  it('write complaints (an id filed again is a new complaint), experiences, NPS responses and stage changes', async () => {
    await project(db.pool, createProjections(), twoCustomers().events);

    expect(await query('SELECT * FROM read_models.complaints ORDER BY customer_id, filing_seq')).toEqual([
      { customer_id: 'C-1', filing_seq: 0, complaint_id: 'CP-1', filed_at: new Date('2025-03-06T10:00:00Z'), resolved_at: new Date('2025-03-07T09:00:00Z') },
      { customer_id: 'C-1', filing_seq: 1, complaint_id: 'CP-1', filed_at: new Date('2025-03-08T10:00:00Z'), resolved_at: null },
    ]);
    expect(await query(`SELECT customer_id, kind, seq, subject_id, since, to_char(expected_date, 'YYYY-MM-DD') AS expected_date, delivered_at, outcome FROM read_models.experiences`)).toEqual([
      {
        customer_id: 'C-1',
        kind: 'quote',
        seq: 0,
        subject_id: 'Q-1',
        since: new Date('2025-01-10T09:00:00Z'),
        expected_date: '2025-01-12',
        delivered_at: new Date('2025-01-11T09:00:00Z'),
        outcome: 'positive',
      },
    ]);
    expect(await query('SELECT * FROM read_models.nps_responses ORDER BY global_position')).toEqual([
      { global_position: 10, customer_id: 'C-1', survey_id: 'S-1', contact_id: null, occurred_at: new Date('2025-03-05T09:00:00Z'), score: 5, category: 'detractor', definition_version: 1 },
      { global_position: 18, customer_id: 'C-2', survey_id: 'S-1', contact_id: null, occurred_at: new Date('2025-07-02T09:00:00Z'), score: 10, category: 'promoter', definition_version: 1 },
    ]);
    expect(await query('SELECT * FROM read_models.opportunity_stages ORDER BY global_position')).toEqual([
      { global_position: 15, customer_id: 'C-1', opportunity_id: 'OP-1', stream_revision: 11, stage: 'lead', value: null, occurred_at: new Date('2025-04-01T09:00:00Z') },
      { global_position: 17, customer_id: 'C-1', opportunity_id: 'OP-1', stream_revision: 12, stage: 'won', value: 5000, occurred_at: new Date('2025-04-10T09:00:00Z') },
    ]);
  });

  it('give the same rows whether the log comes in one batch, one event per batch or cut anywhere', async () => {
    const small = twoCustomers().events;
    const demo = EventLog.fromDemoData(generateDemoData({ customers: 40, seed: 7 }), { interleave: true }).events;
    const projections = createProjections();

    await project(db.pool, projections, small);
    const oneBatch = await Promise.all(TABLES.map((t) => tableRows(db.pool, READ_MODEL_SCHEMA, t)));
    await createScratchSchema(db.pool, 'split_small', projections);
    await project(db.pool, projections, small, { schema: 'split_small', cuts: small.map((_, index) => index) });
    expect(await Promise.all(TABLES.map((t) => tableRows(db.pool, 'split_small', t)))).toEqual(oneBatch);

    await db.pool.query(`TRUNCATE ${TABLES.map((t) => `read_models.${t}`).join(', ')}`);
    await project(db.pool, projections, demo);
    const demoOneBatch = await Promise.all(TABLES.map((t) => tableRows(db.pool, READ_MODEL_SCHEMA, t)));
    expect(demoOneBatch[0].length).toBe(40);
    let seed = 12345;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (const [schema, cuts] of [
      ['split_random', Array.from({ length: 60 }, () => Math.floor(random() * demo.length))],
      ['split_regular', Array.from({ length: Math.ceil(demo.length / 97) }, (_, index) => index * 97)],
    ] as const) {
      await createScratchSchema(db.pool, schema, projections);
      await project(db.pool, projections, demo, { schema, cuts });
      expect(await Promise.all(TABLES.map((t) => tableRows(db.pool, schema, t)))).toEqual(demoOneBatch);
    }
  });

  it('count an NpsResponded once, however often it is delivered', async () => {
    const log = twoCustomers();
    const projections = createProjections();
    await project(db.pool, projections, log.events);
    const nps = log.events.filter((event) => event.type === 'NpsResponded');
    // The runner never re-applies a committed batch; if a response came again anyway, it still counts once.
    await project(db.pool, projections, nps);
    await project(db.pool, projections, [...nps, ...nps]);

    expect(await query('SELECT global_position FROM read_models.nps_responses ORDER BY 1')).toEqual([
      { global_position: 10 },
      { global_position: 18 },
    ]);
    const [{ total, responses }] = await query(
      `SELECT (state->>'touchpointTotal')::int AS total, jsonb_array_length(state->'npsResponses') AS responses
       FROM read_models.customer_profiles WHERE customer_id = 'C-1'`,
    );
    expect({ total, responses }).toEqual({ total: 13, responses: 1 });
  });

  it('derive phases with the definition they are given and say which version it was', async () => {
    const strict = parseCustomerDefinition({ version: 2, loyalWithinDays: 10, departAfterDays: 60 });
    await project(db.pool, createProjections({ definitionProvider: fixedCustomerDefinition(strict) }), twoCustomers().events);

    expect(
      await query(`SELECT to_phase, at, cause, definition_version FROM read_models.lifecycle_phase_history WHERE customer_id = 'C-1' ORDER BY seq`),
    ).toEqual([
      { to_phase: 'prospect', at: new Date('2025-01-01T09:00:00Z'), cause: 'ProspectRegistered', definition_version: 2 },
      { to_phase: 'new-customer', at: new Date('2025-02-01T09:00:00Z'), cause: 'PurchaseMade', definition_version: 2 },
      // 28 days between the purchases: not loyal within 10 days; departed 60 days after the last purchase.
      { to_phase: 'departed', at: new Date('2025-04-30T09:00:00Z'), cause: 'inactivity', definition_version: 2 },
    ]);
    expect(await query(`SELECT phase_at_last_event, definition_version FROM read_models.customer_profiles WHERE customer_id = 'C-1'`)).toEqual([
      // As of its last event (40 days after the last purchase) not departed yet.
      { phase_at_last_event: 'new-customer', definition_version: 2 },
    ]);
  });

  it('store new definition versions; the writers then use the highest', async () => {
    await expect(activeCustomerDefinition(db.pool)).resolves.toEqual(DEFAULT_CUSTOMER_DEFINITION);
    await setCustomerDefinition(db.pool, { version: 2, departAfterDays: 30 });
    await expect(setCustomerDefinition(db.pool, { version: 2, departAfterDays: 40 })).rejects.toMatchObject({
      name: 'InvalidCustomerDefinitionError',
      field: 'version',
    });
    await expect(setCustomerDefinition(db.pool, { version: 3, departAfterDays: -1 })).rejects.toBeInstanceOf(InvalidCustomerDefinitionError);
    expect((await activeCustomerDefinition(db.pool)).departAfterDays).toBe(30);

    await project(db.pool, createProjections(), twoCustomers().events);
    expect(await query('SELECT DISTINCT definition_version FROM read_models.lifecycle_phase_history')).toEqual([{ definition_version: 2 }]);
    expect(await query(`SELECT at FROM read_models.lifecycle_phase_history WHERE customer_id = 'C-1' AND cause = 'inactivity'`)).toEqual([
      { at: new Date('2025-03-31T09:00:00Z') },
    ]);
  });

  it('forget the customers of reset streams, leaving the others', async () => {
    const projections = createProjections();
    await project(db.pool, projections, twoCustomers().events);
    const client = await db.pool.connect();
    try {
      for (const projection of projections) await projection.resetStreams!(['customer-C-1'], { client, schema: READ_MODEL_SCHEMA });
    } finally {
      client.release();
    }
    for (const table of TABLES) {
      const [{ n }] = await query(`SELECT count(*)::int AS n FROM read_models.${table} WHERE customer_id = 'C-1'`);
      expect({ table, n }).toEqual({ table, n: 0 });
    }
    expect(await query('SELECT customer_id FROM read_models.customer_profiles')).toEqual([{ customer_id: 'C-2' }]);
  });
});
