import type { MigrationInterface, QueryRunner } from 'typeorm';
import { CustomerProfileReady1767830400000 } from './customer-profile/customer-profile-ready.migrations';
import { InsightWatchSchema1767744000000 } from './insights/insight-watch.migrations';

/**
 * Version 1 of the customer definition as this migration stored it, frozen: the domain's default may change later,
 * but an install that migrates then must get the same version 1 as everyone before it.
 */
const INITIAL_CUSTOMER_DEFINITION = Object.freeze({
  version: 1,
  loyalWithinDays: 365,
  departAfterDays: 365,
  complaintTargetHours: 24,
  complaintTargetShare: 0.9,
  purchaseGapFraction: 0.5,
  detractorMaxScore: 6,
  promoterMinScore: 9,
});

/**
 * The read models' tables in schema `read_models` (owned by these migrations, never by `synchronize`).
 *
 * Every projection table is disposable: a rebuild copies its definition (`LIKE … INCLUDING ALL`: columns, generated
 * columns, defaults, constraints, indexes, comments) into a scratch schema, replays the log into it and switches.
 * So: no foreign keys (LIKE does not copy them), and no column default that depends on when a row was written (a
 * rebuild must produce identical rows). Primary keys are on event positions or ids so that every response,
 * complaint and stage change is counted once.
 *
 * `customer_definitions` is configuration, not a read model: no projection owns it and a rebuild keeps it.
 */
export class ReadModelsSchema1767312000000 implements MigrationInterface {
  readonly name = 'ReadModelsSchema1767312000000';

  async up(q: QueryRunner): Promise<void> {
    // The projection runner's migration creates the schema too; whichever runs first wins.
    await q.query(`CREATE SCHEMA IF NOT EXISTS read_models`);

    await q.query(`
      CREATE TABLE read_models.customer_definitions (
        version    INT         NOT NULL,
        definition JSONB       NOT NULL,
        created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        CONSTRAINT customer_definitions_pkey PRIMARY KEY (version),
        CONSTRAINT customer_definitions_version_check CHECK (version >= 1),
        CONSTRAINT customer_definitions_version_matches CHECK ((definition ->> 'version')::int = version)
      )`);
    await q.query(`INSERT INTO read_models.customer_definitions (version, definition) VALUES ($1, $2::jsonb)`, [
      INITIAL_CUSTOMER_DEFINITION.version,
      JSON.stringify(INITIAL_CUSTOMER_DEFINITION),
    ]);

    await q.query(`
      CREATE TABLE read_models.customer_profiles (
        customer_id                    TEXT        COLLATE "C" NOT NULL,
        state                          JSONB       NOT NULL,
        name                           TEXT        NULL,
        size                           TEXT        NULL,
        account_manager                TEXT        NULL,
        registered_at                  TIMESTAMPTZ NULL,
        last_occurred_at               TIMESTAMPTZ NULL,
        last_purchase_at               TIMESTAMPTZ NULL,
        relationship_ended_at          TIMESTAMPTZ NULL,
        phase_at_last_event            TEXT        NULL,
        cycle_at_last_event            INT         NULL,
        departed_at_last_event         BOOLEAN     GENERATED ALWAYS AS (phase_at_last_event = 'departed') STORED,
        last_nps_score                 SMALLINT    NULL,
        oldest_open_complaint_filed_at TIMESTAMPTZ NULL,
        last_position                  BIGINT      NOT NULL,
        definition_version             INT         NOT NULL,
        CONSTRAINT customer_profiles_pkey PRIMARY KEY (customer_id),
        CONSTRAINT customer_profiles_phase_check
          CHECK (phase_at_last_event IN ('prospect', 'new-customer', 'loyal-customer', 'departed'))
      )`);
    // The state is rewritten whenever the customer has a new event: stored out of line without compression, writing
    // it costs a fraction of compressing it (measured: a rebuild of interleaved streams ran about twice as fast).
    await q.query(`ALTER TABLE read_models.customer_profiles ALTER COLUMN state SET STORAGE EXTERNAL`);
    // Segment pages are read in customer_id order (keyset pagination); "C" collation makes that order byte order,
    // the same in every database and in clients. Equality filters lead the indexes, customer_id follows.
    await q.query(`CREATE INDEX customer_profiles_account_manager_idx ON read_models.customer_profiles (account_manager, customer_id)`);
    await q.query(`CREATE INDEX customer_profiles_size_idx ON read_models.customer_profiles (size, customer_id)`);
    await q.query(`CREATE INDEX customer_profiles_phase_idx ON read_models.customer_profiles (phase_at_last_event, customer_id)`);
    await q.query(`CREATE INDEX customer_profiles_last_purchase_at_idx ON read_models.customer_profiles (last_purchase_at)`);

    await q.query(`
      CREATE TABLE read_models.lifecycle_phase_history (
        customer_id        TEXT        NOT NULL,
        seq                INT         NOT NULL,
        from_phase         TEXT        NULL,
        to_phase           TEXT        NOT NULL,
        at                 TIMESTAMPTZ NOT NULL,
        cause              TEXT        NOT NULL,
        cycle              INT         NOT NULL,
        global_position    BIGINT      NULL,
        definition_version INT         NOT NULL,
        CONSTRAINT lifecycle_phase_history_pkey PRIMARY KEY (customer_id, seq)
      )`);
    await q.query(`CREATE INDEX lifecycle_phase_history_at_idx ON read_models.lifecycle_phase_history (at)`);

    await q.query(`
      CREATE TABLE read_models.nps_responses (
        global_position    BIGINT      NOT NULL,
        customer_id        TEXT        NOT NULL,
        survey_id          TEXT        NOT NULL,
        contact_id         TEXT        NULL,
        occurred_at        TIMESTAMPTZ NOT NULL,
        score              SMALLINT    NOT NULL,
        category           TEXT        NOT NULL,
        definition_version INT         NOT NULL,
        CONSTRAINT nps_responses_pkey PRIMARY KEY (global_position),
        CONSTRAINT nps_responses_score_check CHECK (score BETWEEN 0 AND 10)
      )`);
    await q.query(`CREATE INDEX nps_responses_occurred_at_idx ON read_models.nps_responses (occurred_at)`);
    await q.query(`CREATE INDEX nps_responses_customer_id_idx ON read_models.nps_responses (customer_id)`);

    await q.query(`
      CREATE TABLE read_models.complaints (
        customer_id  TEXT        NOT NULL,
        filing_seq   INT         NOT NULL,
        complaint_id TEXT        NOT NULL,
        filed_at     TIMESTAMPTZ NOT NULL,
        resolved_at  TIMESTAMPTZ NULL,
        CONSTRAINT complaints_pkey PRIMARY KEY (customer_id, filing_seq)
      )`);
    await q.query(`CREATE INDEX complaints_filed_at_idx ON read_models.complaints (filed_at)`);

    await q.query(`
      CREATE TABLE read_models.experiences (
        customer_id   TEXT        NOT NULL,
        kind          TEXT        NOT NULL,
        seq           INT         NOT NULL,
        subject_id    TEXT        NOT NULL,
        since         TIMESTAMPTZ NOT NULL,
        expected_date DATE        NOT NULL,
        delivered_at  TIMESTAMPTZ NULL,
        outcome       TEXT        NULL,
        CONSTRAINT experiences_pkey PRIMARY KEY (customer_id, kind, seq),
        CONSTRAINT experiences_kind_check CHECK (kind IN ('quote', 'promise')),
        CONSTRAINT experiences_outcome_check CHECK (outcome IN ('positive', 'as-expected', 'negative'))
      )`);
    await q.query(`CREATE INDEX experiences_delivered_at_idx ON read_models.experiences (delivered_at)`);

    await q.query(`
      CREATE TABLE read_models.opportunity_stages (
        global_position BIGINT      NOT NULL,
        customer_id     TEXT        NOT NULL,
        opportunity_id  TEXT        NOT NULL,
        stream_revision INT         NOT NULL,
        stage           TEXT        NOT NULL,
        value           NUMERIC     NULL,
        occurred_at     TIMESTAMPTZ NOT NULL,
        CONSTRAINT opportunity_stages_pkey PRIMARY KEY (global_position)
      )`);
    await q.query(`CREATE INDEX opportunity_stages_occurred_at_idx ON read_models.opportunity_stages (occurred_at)`);
    await q.query(`CREATE INDEX opportunity_stages_opportunity_idx ON read_models.opportunity_stages (customer_id, opportunity_id)`);

    for (const statement of COMMENTS) await q.query(statement);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'opportunity_stages',
      'experiences',
      'complaints',
      'nps_responses',
      'lifecycle_phase_history',
      'customer_profiles',
      'customer_definitions',
    ]) {
      await q.query(`DROP TABLE IF EXISTS read_models.${t}`);
    }
    // The schema may hold the runner's tables too: leave it.
  }
}

const comment = (target: string, text: string) => `COMMENT ON ${target} IS '${text.replace(/'/g, "''")}'`;
const table = (name: string, text: string) => comment(`TABLE read_models.${name}`, text);
const column = (name: string, text: string) => comment(`COLUMN read_models.${name}`, text);

const COMMENTS = [
  table('customer_definitions', 'Versioned customer definition (lifecycle, loyalty and complaint-target settings). The highest version is active. Configuration, not a read model: a rebuild keeps it.'),
  column('customer_definitions.version', 'Definition version, reported as definitionVersion by profiles'),
  column('customer_definitions.definition', 'The settings as parsed by parseCustomerDefinition (libs/domain)'),

  table('customer_profiles', 'One row per customer: the profile fold state (facts with their occurredAt) plus columns derived from it for set-based segment filters. Projection customer-profile.'),
  column('customer_profiles.customer_id', 'Customer id (stream customer-<id>)'),
  column('customer_profiles.state', 'CustomerProfileState (libs/domain evolveCustomerProfile); viewCustomerProfile(state, asOf) gives the profile as of any moment'),
  column('customer_profiles.name', 'Company name of the latest registration'),
  column('customer_profiles.size', 'Company size of the latest registration: small, medium, large, enterprise'),
  column('customer_profiles.account_manager', 'employeeId of the latest AccountManagerAssigned'),
  column('customer_profiles.registered_at', 'occurredAt of the first ProspectRegistered; the profile exists from then on'),
  column('customer_profiles.last_occurred_at', 'Latest occurredAt of any event; the derived columns below describe the customer as of this moment'),
  column('customer_profiles.last_purchase_at', 'occurredAt of the latest PurchaseMade'),
  column('customer_profiles.relationship_ended_at', 'occurredAt of the latest RelationshipEnded'),
  column('customer_profiles.phase_at_last_event', 'Lifecycle phase as of last_occurred_at under definition_version; later phases follow from time passing (departure by inactivity)'),
  column('customer_profiles.cycle_at_last_event', 'Relationship cycle as of last_occurred_at'),
  column('customer_profiles.departed_at_last_event', 'phase_at_last_event = departed'),
  column('customer_profiles.last_nps_score', 'Score of the latest NpsResponded by occurredAt'),
  column('customer_profiles.oldest_open_complaint_filed_at', 'Filing moment of the oldest complaint still open as of last_occurred_at'),
  column('customer_profiles.last_position', 'Highest global position folded into this row'),
  column('customer_profiles.definition_version', 'Customer definition version the derived columns were computed with'),

  table('lifecycle_phase_history', 'Every lifecycle phase transition per customer, including departures by inactivity dated in the future (filter at <= asOf; an inactivity row counts only when at < asOf). Rewritten per customer by projection customer-profile.'),
  column('lifecycle_phase_history.seq', 'Order of the transition within the customer (0-based)'),
  column('lifecycle_phase_history.from_phase', 'Phase before the transition; null for the first'),
  column('lifecycle_phase_history.to_phase', 'Phase after the transition'),
  column('lifecycle_phase_history.at', "When it happened: the causing event's occurredAt, or last purchase + departAfterDays for inactivity (departed after that instant)"),
  column('lifecycle_phase_history.cause', 'ProspectRegistered, PurchaseMade, RelationshipEnded or inactivity'),
  column('lifecycle_phase_history.cycle', 'Relationship cycle after the transition'),
  column('lifecycle_phase_history.global_position', 'Position of the causing event; null for inactivity'),
  column('lifecycle_phase_history.definition_version', 'Customer definition version that derived the transition'),

  table('nps_responses', 'One row per NpsResponded event (primary key: its global position, so each response counts once). Projection nps-responses.'),
  column('nps_responses.occurred_at', 'When the customer answered (periods select on this)'),
  column('nps_responses.score', 'Answer 0-10'),
  column('nps_responses.category', 'promoter, passive or detractor under definition_version; insights recompute it from score with the active definition'),

  table('complaints', 'One row per complaint filing (a complaint id filed again after it was resolved is a new complaint). Projection customer-profile.'),
  column('complaints.filing_seq', "Order of the filing within the customer's complaints"),
  column('complaints.filed_at', 'occurredAt of ComplaintFiled (periods select on this)'),
  column('complaints.resolved_at', 'Earliest occurredAt of its ComplaintResolved; null while open'),

  table('experiences', 'Expectation versus performance per quote requested and promise made, from all known facts. Projection customer-profile.'),
  column('experiences.kind', 'quote or promise'),
  column('experiences.seq', 'Order of the subject within the customer and kind'),
  column('experiences.since', 'When the quote was requested or the promise made'),
  column('experiences.expected_date', 'UTC calendar date expected, after the adjustments that counted'),
  column('experiences.delivered_at', 'When the quote was sent or the promise delivered; null while not delivered'),
  column('experiences.outcome', 'positive, as-expected or negative (UTC calendar dates compared); null while not delivered'),

  table('opportunity_stages', 'One row per OpportunityStageChanged (primary key: its global position). Projection funnel.'),
  column('opportunity_stages.stage', 'lead, qualified, proposal, negotiation, won or lost'),
  column('opportunity_stages.value', 'Opportunity value given with the change, if any'),
  column('opportunity_stages.occurred_at', 'When the opportunity moved (periods select on this)'),
];

/** The read models' migrations, in order; pass them to `runMigrations` with the other libs' migrations. */
export const READ_MODEL_MIGRATIONS = [ReadModelsSchema1767312000000, InsightWatchSchema1767744000000, CustomerProfileReady1767830400000] as const;
