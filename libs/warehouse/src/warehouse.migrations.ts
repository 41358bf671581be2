import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createRunnerBookkeeping } from '@klantcentraal/projections';
import { DEPARTMENT_ROWS, TOUCHPOINT_TYPES } from './reference-dimensions/reference-dimensions';

/**
 * Schema `warehouse`: a star schema for datamining, maintained by its own projection runner
 * (`new ProjectionRunner({ schema: 'warehouse', projections: createWarehouseProjections() })`), so it has its own
 * checkpoints, parked events and rebuild by replay (into `warehouse_rebuild_<n>`, swapped in by rename).
 *
 * Rules that keep a rebuild exact (as in the read-model schema): no foreign keys (keys are logical; a rebuild copies
 * tables with LIKE … INCLUDING ALL), no defaults that depend on when a row was written, no views, no extensions.
 * Surrogate keys are deterministic (a hash of the natural key, or a fixed code), so a replay reproduces them.
 * `dim_touchpoint_type` and `dim_department` are reference data owned by this migration (no projection owns them, so
 * a rebuild carries them over); every other table is written by the `warehouse` projection.
 */
export class WarehouseSchema1767657600000 implements MigrationInterface {
  readonly name = 'WarehouseSchema1767657600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SCHEMA IF NOT EXISTS warehouse`);

    // The projection runner's bookkeeping, with the same definitions as in read_models (libs/projections).
    await createRunnerBookkeeping(q, 'warehouse');

    // --- dimensions ------------------------------------------------------------------------------------------------
    await q.query(`
      CREATE TABLE warehouse.dim_date (
        date_key      INT      NOT NULL,
        date          DATE     NOT NULL,
        year          SMALLINT NOT NULL,
        quarter       SMALLINT NOT NULL,
        month         SMALLINT NOT NULL,
        year_month    TEXT     NOT NULL,
        iso_year      SMALLINT NOT NULL,
        iso_week      SMALLINT NOT NULL,
        iso_year_week TEXT     NOT NULL,
        day_of_month  SMALLINT NOT NULL,
        weekday       SMALLINT NOT NULL,
        weekday_name  TEXT     NOT NULL,
        is_weekend    BOOLEAN  NOT NULL,
        CONSTRAINT dim_date_pkey PRIMARY KEY (date_key),
        CONSTRAINT dim_date_date_key UNIQUE (date)
      )`);

    await q.query(`
      CREATE TABLE warehouse.dim_touchpoint_type (
        type_key   SMALLINT NOT NULL,
        type       TEXT     NOT NULL,
        channel    TEXT     NOT NULL,
        process    TEXT     NOT NULL,
        has_amount BOOLEAN  NOT NULL,
        CONSTRAINT dim_touchpoint_type_pkey PRIMARY KEY (type_key),
        CONSTRAINT dim_touchpoint_type_type_key UNIQUE (type)
      )`);
    await q.query(
      `INSERT INTO warehouse.dim_touchpoint_type (type_key, type, channel, process, has_amount)
       SELECT * FROM unnest($1::smallint[], $2::text[], $3::text[], $4::text[], $5::boolean[]) ON CONFLICT DO NOTHING`,
      [
        TOUCHPOINT_TYPES.map((t) => t.typeKey),
        TOUCHPOINT_TYPES.map((t) => t.type),
        TOUCHPOINT_TYPES.map((t) => t.channel),
        TOUCHPOINT_TYPES.map((t) => t.process),
        TOUCHPOINT_TYPES.map((t) => t.hasAmount),
      ],
    );

    await q.query(`
      CREATE TABLE warehouse.dim_department (
        department_key SMALLINT NOT NULL,
        department     TEXT     NOT NULL,
        activity       TEXT     NOT NULL,
        CONSTRAINT dim_department_pkey PRIMARY KEY (department_key),
        CONSTRAINT dim_department_department_key UNIQUE (department)
      )`);
    await q.query(
      `INSERT INTO warehouse.dim_department (department_key, department, activity)
       SELECT * FROM unnest($1::smallint[], $2::text[], $3::text[]) ON CONFLICT DO NOTHING`,
      [DEPARTMENT_ROWS.map((d) => d.departmentKey), DEPARTMENT_ROWS.map((d) => d.department), DEPARTMENT_ROWS.map((d) => d.activity)],
    );

    await q.query(`
      CREATE TABLE warehouse.dim_product (
        product_key BIGINT NOT NULL,
        sku         TEXT   NOT NULL,
        category    TEXT   NULL,
        CONSTRAINT dim_product_pkey PRIMARY KEY (product_key),
        CONSTRAINT dim_product_sku_key UNIQUE (sku)
      )`);

    await q.query(`
      CREATE TABLE warehouse.dim_customer (
        customer_key       BIGINT      NOT NULL,
        customer_id        TEXT        COLLATE "C" NOT NULL,
        version_no         INT         NOT NULL,
        name               TEXT        NOT NULL,
        size               TEXT        NOT NULL,
        lifecycle_phase    TEXT        NOT NULL,
        cycle              INT         NOT NULL,
        loyalty_status     TEXT        NOT NULL,
        account_manager    TEXT        NULL,
        valid_from         TIMESTAMPTZ NOT NULL,
        valid_to           TIMESTAMPTZ NOT NULL,
        is_current         BOOLEAN     GENERATED ALWAYS AS (valid_to = 'infinity') STORED,
        definition_version INT         NOT NULL,
        CONSTRAINT dim_customer_pkey PRIMARY KEY (customer_key),
        CONSTRAINT dim_customer_customer_id_valid_from_key UNIQUE (customer_id, valid_from),
        CONSTRAINT dim_customer_range_check CHECK (valid_from < valid_to),
        CONSTRAINT dim_customer_phase_check CHECK (lifecycle_phase IN ('prospect', 'new-customer', 'loyal-customer', 'departed'))
      )`);
    await q.query(`CREATE INDEX dim_customer_current_idx ON warehouse.dim_customer (customer_id) WHERE is_current`);

    // The fold state the customer dimension is derived from (ETL bookkeeping, not for analysis).
    await q.query(`
      CREATE TABLE warehouse.customer_state (
        customer_id        TEXT  COLLATE "C" NOT NULL,
        state              JSONB NOT NULL,
        definition_version INT   NOT NULL,
        CONSTRAINT customer_state_pkey PRIMARY KEY (customer_id)
      )`);
    await q.query(`ALTER TABLE warehouse.customer_state ALTER COLUMN state SET STORAGE EXTERNAL`);

    // --- facts -----------------------------------------------------------------------------------------------------
    await q.query(`
      CREATE TABLE warehouse.fact_touchpoint (
        global_position BIGINT      NOT NULL,
        event_id        UUID        NOT NULL,
        customer_id     TEXT        COLLATE "C" NOT NULL,
        customer_key    BIGINT      NULL,
        date_key        INT         NOT NULL,
        type_key        SMALLINT    NOT NULL,
        department_key  SMALLINT    NOT NULL,
        amount          NUMERIC     NULL,
        currency        TEXT        NULL,
        occurred_at     TIMESTAMPTZ NOT NULL,
        recorded_at     TIMESTAMPTZ NOT NULL,
        recorded_by     TEXT        NULL,
        CONSTRAINT fact_touchpoint_pkey PRIMARY KEY (global_position)
      )`);
    await q.query(`CREATE INDEX fact_touchpoint_occurred_at_idx ON warehouse.fact_touchpoint (occurred_at)`);
    await q.query(`CREATE INDEX fact_touchpoint_customer_idx ON warehouse.fact_touchpoint (customer_id, occurred_at)`);
    await q.query(`CREATE INDEX fact_touchpoint_customer_key_idx ON warehouse.fact_touchpoint (customer_key)`);
    await q.query(`CREATE INDEX fact_touchpoint_type_idx ON warehouse.fact_touchpoint (type_key, occurred_at)`);
    // Purchases (type_key 14 = PurchaseMade, fixed by the catalogue order) for cohorts and RFM: covering, so those
    // analyses read 4 % of the rows from the index alone instead of visiting a heap page per purchase.
    await q.query(
      `CREATE INDEX fact_touchpoint_purchase_idx ON warehouse.fact_touchpoint (customer_id, occurred_at) INCLUDE (date_key, amount)
       WHERE type_key = 14`,
    );

    await q.query(`
      CREATE TABLE warehouse.fact_order_line (
        global_position BIGINT      NOT NULL,
        line_no         SMALLINT    NOT NULL,
        order_id        TEXT        NOT NULL,
        customer_id     TEXT        COLLATE "C" NOT NULL,
        customer_key    BIGINT      NULL,
        date_key        INT         NOT NULL,
        product_key     BIGINT      NOT NULL,
        quantity        NUMERIC     NOT NULL,
        unit_price      NUMERIC     NOT NULL,
        revenue         NUMERIC     NOT NULL,
        currency        TEXT        NOT NULL,
        occurred_at     TIMESTAMPTZ NOT NULL,
        CONSTRAINT fact_order_line_pkey PRIMARY KEY (global_position, line_no)
      )`);
    await q.query(`CREATE INDEX fact_order_line_occurred_at_idx ON warehouse.fact_order_line (occurred_at)`);
    await q.query(`CREATE INDEX fact_order_line_customer_idx ON warehouse.fact_order_line (customer_id, occurred_at)`);
    await q.query(`CREATE INDEX fact_order_line_product_idx ON warehouse.fact_order_line (product_key)`);

    await q.query(`
      CREATE TABLE warehouse.fact_complaint (
        global_position   BIGINT      NOT NULL,
        complaint_id      TEXT        NOT NULL,
        customer_id       TEXT        COLLATE "C" NOT NULL,
        customer_key      BIGINT      NULL,
        filed_date_key    INT         NOT NULL,
        filed_at          TIMESTAMPTZ NOT NULL,
        category          TEXT        NOT NULL,
        severity          TEXT        NULL,
        resolved_date_key INT         NULL,
        resolved_at       TIMESTAMPTZ NULL,
        hours_to_resolve  NUMERIC     NULL,
        target_hours      NUMERIC     NOT NULL,
        within_target     BOOLEAN     NULL,
        CONSTRAINT fact_complaint_pkey PRIMARY KEY (global_position)
      )`);
    await q.query(`CREATE INDEX fact_complaint_filed_at_idx ON warehouse.fact_complaint (filed_at)`);
    await q.query(`CREATE INDEX fact_complaint_customer_idx ON warehouse.fact_complaint (customer_id, filed_at)`);
    await q.query(`CREATE INDEX fact_complaint_complaint_idx ON warehouse.fact_complaint (customer_id, complaint_id)`);

    await q.query(`
      CREATE TABLE warehouse.fact_nps (
        global_position    BIGINT      NOT NULL,
        survey_id          TEXT        NOT NULL,
        customer_id        TEXT        COLLATE "C" NOT NULL,
        customer_key       BIGINT      NULL,
        date_key           INT         NOT NULL,
        score              SMALLINT    NOT NULL,
        category           TEXT        NOT NULL,
        occurred_at        TIMESTAMPTZ NOT NULL,
        definition_version INT         NOT NULL,
        CONSTRAINT fact_nps_pkey PRIMARY KEY (global_position),
        CONSTRAINT fact_nps_score_check CHECK (score BETWEEN 0 AND 10)
      )`);
    await q.query(`CREATE INDEX fact_nps_occurred_at_idx ON warehouse.fact_nps (occurred_at)`);
    await q.query(`CREATE INDEX fact_nps_customer_idx ON warehouse.fact_nps (customer_id, occurred_at)`);

    // Pre-aggregation: the touchpoints analysis reads this instead of a million facts (see touchpoints.query.ts).
    await q.query(`
      CREATE TABLE warehouse.agg_touchpoint_day (
        date_key        INT      NOT NULL,
        week_key        INT      NOT NULL,
        type_key        SMALLINT NOT NULL,
        department_key  SMALLINT NOT NULL,
        customer_size   TEXT     NOT NULL,
        lifecycle_phase TEXT     NOT NULL,
        touchpoints     BIGINT   NOT NULL,
        amount          NUMERIC  NOT NULL,
        CONSTRAINT agg_touchpoint_day_pkey PRIMARY KEY (date_key, type_key, department_key, customer_size, lifecycle_phase)
      )`);
    // The writer deletes the cells it subtracted to zero; this keeps finding them cheap.
    await q.query(`CREATE INDEX agg_touchpoint_day_empty_idx ON warehouse.agg_touchpoint_day (date_key) WHERE touchpoints = 0`);
    await q.query(`
      CREATE TABLE warehouse.agg_touchpoint_month (
        month_key       INT      NOT NULL,
        type_key        SMALLINT NOT NULL,
        department_key  SMALLINT NOT NULL,
        customer_size   TEXT     NOT NULL,
        lifecycle_phase TEXT     NOT NULL,
        touchpoints     BIGINT   NOT NULL,
        amount          NUMERIC  NOT NULL,
        CONSTRAINT agg_touchpoint_month_pkey PRIMARY KEY (month_key, type_key, department_key, customer_size, lifecycle_phase)
      )`);
    await q.query(`CREATE INDEX agg_touchpoint_month_empty_idx ON warehouse.agg_touchpoint_month (month_key) WHERE touchpoints = 0`);

    // Basket analysis: per month and level (sku, category), orders per item and per pair of items (item_a < item_b).
    await q.query(`
      CREATE TABLE warehouse.agg_basket_item (
        month_key INT    NOT NULL,
        level     TEXT   NOT NULL,
        item      TEXT   NOT NULL,
        orders    BIGINT NOT NULL,
        CONSTRAINT agg_basket_item_pkey PRIMARY KEY (level, month_key, item),
        CONSTRAINT agg_basket_item_level_check CHECK (level IN ('sku', 'category'))
      )`);
    await q.query(`
      CREATE TABLE warehouse.agg_basket_pair (
        month_key INT    NOT NULL,
        level     TEXT   NOT NULL,
        item_a    TEXT   NOT NULL,
        item_b    TEXT   NOT NULL,
        orders    BIGINT NOT NULL,
        CONSTRAINT agg_basket_pair_pkey PRIMARY KEY (level, month_key, item_a, item_b),
        CONSTRAINT agg_basket_pair_level_check CHECK (level IN ('sku', 'category')),
        CONSTRAINT agg_basket_pair_order_check CHECK (item_a < item_b)
      )`);

    for (const statement of COMMENTS) await q.query(statement);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP SCHEMA IF EXISTS warehouse CASCADE`);
  }
}

const comment = (target: string, text: string) => `COMMENT ON ${target} IS '${text.replace(/'/g, "''")}'`;
const table = (name: string, text: string) => comment(`TABLE warehouse.${name}`, text);
const column = (name: string, text: string) => comment(`COLUMN warehouse.${name}`, text);

const CUSTOMER_KEY =
  'Surrogate key of the dim_customer version valid when the fact occurred (the customer AS IT WAS then); join dim_customer on customer_key';

export const COMMENTS = [
  table('checkpoints', 'Projection runner bookkeeping: per projection, the global event position up to which the warehouse is complete (its freshness).'),
  column('checkpoints.projection', 'Projection name (warehouse)'),
  column('checkpoints.position', 'Global position of the last event applied'),
  column('checkpoints.updated_at', 'When the checkpoint last moved'),
  table('parked_events', 'Projection runner bookkeeping: events the warehouse projection could not apply (poison events), skipped until retried or rebuilt.'),
  column('parked_events.projection', 'Projection that failed'),
  column('parked_events.global_position', 'Global position of the event'),
  column('parked_events.event_id', 'Event id'),
  column('parked_events.stream', 'Stream of the event (customer-<customerId>)'),
  column('parked_events.event_type', 'Event type'),
  column('parked_events.error', 'Why it failed'),
  column('parked_events.attempts', 'How often applying it failed'),
  column('parked_events.parked_at', 'When it was parked'),
  column('parked_events.retried_at', 'When it was last retried'),

  table('dim_date', 'Calendar dimension, one row per UTC date; every year in which a fact occurred is complete. Facts refer to it by date_key.'),
  column('dim_date.date_key', 'Surrogate key yyyymmdd (e.g. 20260301) of the UTC date'),
  column('dim_date.date', 'The UTC calendar date'),
  column('dim_date.year', 'Calendar year'),
  column('dim_date.quarter', 'Quarter 1-4'),
  column('dim_date.month', 'Month 1-12'),
  column('dim_date.year_month', 'Month as YYYY-MM (the touchpoints API month dimension)'),
  column('dim_date.iso_year', 'ISO-8601 week-numbering year (differs from year around New Year)'),
  column('dim_date.iso_week', 'ISO-8601 week number 1-53'),
  column('dim_date.iso_year_week', 'ISO week as YYYY-Www, e.g. 2026-W09 (the touchpoints API week dimension)'),
  column('dim_date.day_of_month', 'Day of the month 1-31'),
  column('dim_date.weekday', 'ISO weekday: 1 = Monday … 7 = Sunday'),
  column('dim_date.weekday_name', 'Monday … Sunday'),
  column('dim_date.is_weekend', 'Saturday or Sunday'),

  table('dim_touchpoint_type', 'One row per event type of the catalogue: every catalogue event is a touchpoint. Reference data.'),
  column('dim_touchpoint_type.type_key', 'Surrogate key: 1-based position of the type in the event catalogue'),
  column('dim_touchpoint_type.type', 'Event type name, e.g. PurchaseMade'),
  column('dim_touchpoint_type.channel', 'Channel: mail, web, meeting, sales, service or survey'),
  column('dim_touchpoint_type.process', 'Sales process group: market-to-sales, sales-to-order or order-to-loyal-customer'),
  column('dim_touchpoint_type.has_amount', 'Facts of this type carry an amount (QuoteSent.amount, PurchaseMade.total, OpportunityStageChanged.value)'),

  table('dim_department', "Department that recorded the touchpoint (Porter's value chain). Reference data."),
  column('dim_department.department_key', 'Surrogate key; 0 = no department recorded'),
  column('dim_department.department', 'recordedBy.department: marketing-sales, service, inbound-logistics, operations, outbound-logistics, procurement, technology, hrm, infrastructure; unknown when none was recorded'),
  column('dim_department.activity', 'primary or support activity of the value chain; unknown for key 0'),

  table('dim_product', 'One row per SKU ever ordered.'),
  column('dim_product.product_key', 'Surrogate key (deterministic hash of the sku)'),
  column('dim_product.sku', 'Stock keeping unit as given in PurchaseMade lines'),
  column('dim_product.category', 'Product category: the first category an order line gave for this sku (log order); null if none ever did'),

  table('dim_customer', 'Customer dimension, TYPE-2 slowly changing: one row per version of a customer, valid over [valid_from, valid_to). A fact joins the version valid when it occurred (fact.customer_key), i.e. the customer as it was then. Versions follow from all known events whatever order they were recorded in, and include changes caused by time alone (departure by inactivity, purchase gap), also those scheduled in the future.'),
  column('dim_customer.customer_key', 'Surrogate key of the version (deterministic hash of customer_id and valid_from)'),
  column('dim_customer.customer_id', 'Customer id (natural key; stream customer-<id>)'),
  column('dim_customer.version_no', 'Version number within the customer, 1 = oldest'),
  column('dim_customer.name', 'Company name (latest registration as of the version)'),
  column('dim_customer.size', 'Company size: small, medium, large, enterprise'),
  column('dim_customer.lifecycle_phase', 'Lifecycle phase: prospect, new-customer, loyal-customer, departed'),
  column('dim_customer.cycle', 'Relationship cycle (a departed customer who buys again starts the next cycle)'),
  column('dim_customer.loyalty_status', 'Loyalty status: none, new, loyal, at-risk, lapsed'),
  column('dim_customer.account_manager', 'employeeId of the account manager; null while none is assigned'),
  column('dim_customer.valid_from', 'Start of the version (inclusive); -infinity for the first version, so back-dated facts find the customer too. A change caused by time alone starts 1 ms after its instant (e.g. last purchase + 365 days + 1 ms)'),
  column('dim_customer.valid_to', 'End of the version (exclusive); infinity for the latest version'),
  column('dim_customer.is_current', 'valid_to = infinity: the latest version. It may start in the future when time alone will change the customer (a departure by inactivity); for the version valid now use valid_from <= now() AND now() < valid_to'),
  column('dim_customer.definition_version', 'Customer definition version the phase and loyalty were derived with; after a definition change, rebuild the warehouse'),

  table('customer_state', 'ETL bookkeeping of the warehouse projection: per customer the fold state the customer dimension is derived from (no contacts, no free text). Not meant for analysis.'),
  column('customer_state.state', 'CustomerProfileState restricted to registrations, account managers, purchases, relationship ends, NPS scores and complaints'),
  column('customer_state.definition_version', 'Customer definition version the dimension rows were derived with'),

  table('fact_touchpoint', 'One row per catalogue event (every event is a touchpoint). Grain: one event.'),
  column('fact_touchpoint.global_position', 'Global position of the event in the event store (primary key; each event counts once)'),
  column('fact_touchpoint.event_id', 'Event id'),
  column('fact_touchpoint.customer_id', 'Customer id (degenerate dimension)'),
  column('fact_touchpoint.customer_key', CUSTOMER_KEY),
  column('fact_touchpoint.date_key', 'dim_date key of the UTC date it occurred'),
  column('fact_touchpoint.type_key', 'dim_touchpoint_type key (event type, channel, process)'),
  column('fact_touchpoint.department_key', 'dim_department key of the recording department (0: none recorded)'),
  column('fact_touchpoint.amount', 'QuoteSent.amount, PurchaseMade.total or OpportunityStageChanged.value; null for other types'),
  column('fact_touchpoint.currency', 'ISO-4217 currency of the amount (null for opportunity values, which carry none)'),
  column('fact_touchpoint.occurred_at', 'When it happened (occurredAt); periods select on this'),
  column('fact_touchpoint.recorded_at', 'When the platform stored it (recordedAt); later than occurred_at for late recording'),
  column('fact_touchpoint.recorded_by', 'recordedBy.userId: the employee or API key that recorded it'),

  table('fact_order_line', 'One row per order line of a PurchaseMade. An order is one PurchaseMade event (global_position); basket analyses group lines by it.'),
  column('fact_order_line.global_position', 'Global position of the PurchaseMade event: identifies the order'),
  column('fact_order_line.line_no', 'Line number within the order, 1-based'),
  column('fact_order_line.order_id', 'orderId as given by the customer-facing system (unique per customer)'),
  column('fact_order_line.customer_id', 'Customer id (degenerate dimension)'),
  column('fact_order_line.customer_key', CUSTOMER_KEY),
  column('fact_order_line.date_key', 'dim_date key of the order date (UTC)'),
  column('fact_order_line.product_key', 'dim_product key'),
  column('fact_order_line.quantity', 'Quantity ordered (> 0)'),
  column('fact_order_line.unit_price', 'Price per unit'),
  column('fact_order_line.revenue', 'quantity * unit_price'),
  column('fact_order_line.currency', 'ISO-4217 currency of the order'),
  column('fact_order_line.occurred_at', 'When the purchase was made'),

  table('fact_complaint', 'One row per complaint filing (a complaint id filed again after its resolution is a new complaint), updated when it is resolved.'),
  column('fact_complaint.global_position', 'Global position of the ComplaintFiled event (primary key)'),
  column('fact_complaint.complaint_id', 'complaintId'),
  column('fact_complaint.customer_id', 'Customer id (degenerate dimension)'),
  column('fact_complaint.customer_key', 'Surrogate key of the dim_customer version valid when the complaint was filed'),
  column('fact_complaint.filed_date_key', 'dim_date key of the filing date (UTC)'),
  column('fact_complaint.filed_at', 'When the complaint was filed'),
  column('fact_complaint.category', 'Complaint category as filed'),
  column('fact_complaint.severity', 'low, medium, high; null when not given'),
  column('fact_complaint.resolved_date_key', 'dim_date key of the resolution date; null while open'),
  column('fact_complaint.resolved_at', 'When it was resolved (earliest resolution); null while open'),
  column('fact_complaint.hours_to_resolve', 'Hours from filing to resolution; null while open'),
  column('fact_complaint.target_hours', 'Resolution target in hours under the customer definition (default 24)'),
  column('fact_complaint.within_target', 'Resolved no more than target_hours after filing; null while open'),

  table('fact_nps', 'One row per NPS answer (NpsResponded).'),
  column('fact_nps.global_position', 'Global position of the NpsResponded event (primary key)'),
  column('fact_nps.survey_id', 'surveyId'),
  column('fact_nps.customer_id', 'Customer id (degenerate dimension)'),
  column('fact_nps.customer_key', CUSTOMER_KEY),
  column('fact_nps.date_key', 'dim_date key of the answer date (UTC)'),
  column('fact_nps.score', 'Answer 0-10'),
  column('fact_nps.category', 'promoter (9-10), passive (7-8) or detractor (0-6) under definition_version'),
  column('fact_nps.occurred_at', 'When the customer answered'),
  column('fact_nps.definition_version', 'Customer definition version the category was derived with'),

  table('agg_touchpoint_day', 'Pre-aggregated fact_touchpoint: touchpoints and amounts per UTC day, type, department and the customer size and lifecycle phase AS THEY WERE at each touchpoint (SCD join). Kept exact incrementally; equals the GROUP BY of fact_touchpoint JOIN dim_customer.'),
  column('agg_touchpoint_day.date_key', 'dim_date key (UTC day)'),
  column('agg_touchpoint_day.week_key', 'ISO week of the day as iso_year * 100 + iso_week (e.g. 202609), as in dim_date'),
  column('agg_touchpoint_day.type_key', 'dim_touchpoint_type key'),
  column('agg_touchpoint_day.department_key', 'dim_department key'),
  column('agg_touchpoint_day.customer_size', 'dim_customer.size of the version each touchpoint points to'),
  column('agg_touchpoint_day.lifecycle_phase', 'dim_customer.lifecycle_phase of the version each touchpoint points to'),
  column('agg_touchpoint_day.touchpoints', 'Number of touchpoints (fact rows)'),
  column('agg_touchpoint_day.amount', 'Sum of fact_touchpoint.amount (0 when none carries one)'),

  table('agg_touchpoint_month', 'agg_touchpoint_day summed per UTC month: the touchpoints analysis reads whole months from here.'),
  column('agg_touchpoint_month.month_key', 'yyyymm of the UTC month (date_key / 100)'),
  column('agg_touchpoint_month.type_key', 'dim_touchpoint_type key'),
  column('agg_touchpoint_month.department_key', 'dim_department key'),
  column('agg_touchpoint_month.customer_size', 'dim_customer.size of the version each touchpoint points to'),
  column('agg_touchpoint_month.lifecycle_phase', 'dim_customer.lifecycle_phase of the version each touchpoint points to'),
  column('agg_touchpoint_month.touchpoints', 'Number of touchpoints (fact rows); for type PurchaseMade: the number of orders'),
  column('agg_touchpoint_month.amount', 'Sum of fact_touchpoint.amount'),

  table('agg_basket_item', 'Basket analysis pre-aggregate: per UTC month and level, the number of orders containing each item (an order = one PurchaseMade; its items = the distinct SKUs, or categories, of its lines).'),
  column('agg_basket_item.month_key', 'yyyymm of the UTC month the orders were placed in'),
  column('agg_basket_item.level', 'sku or category (dim_product.category; uncategorised when unknown)'),
  column('agg_basket_item.item', 'The SKU or category'),
  column('agg_basket_item.orders', 'Orders of that month containing the item'),
  table('agg_basket_pair', 'Basket analysis pre-aggregate: per UTC month and level, the number of orders containing both items of a pair (item_a < item_b; read both directions for rules X→Y).'),
  column('agg_basket_pair.month_key', 'yyyymm of the UTC month the orders were placed in'),
  column('agg_basket_pair.level', 'sku or category'),
  column('agg_basket_pair.item_a', 'The smaller item of the pair'),
  column('agg_basket_pair.item_b', 'The larger item of the pair'),
  column('agg_basket_pair.orders', 'Orders of that month containing both'),
];

/** The warehouse's migrations, in order; run them after the event store's. */
/** Erasure (privacy): a customer's company name becomes null in every version of the customer dimension. */
export class WarehouseErasableName1767830400000 implements MigrationInterface {
  readonly name = 'WarehouseErasableName1767830400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE warehouse.dim_customer ALTER COLUMN name DROP NOT NULL`);
    await q.query(`COMMENT ON COLUMN warehouse.dim_customer.name IS 'Company name (latest registration as of the version); null once erased'`);
  }

  async down(): Promise<void> {
    // Erased names cannot come back; the column stays nullable.
  }
}

export const WAREHOUSE_MIGRATIONS = [WarehouseSchema1767657600000, WarehouseErasableName1767830400000] as const;
