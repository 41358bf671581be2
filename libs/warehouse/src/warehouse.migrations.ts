import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createRunnerBookkeeping } from '@klantcentraal/projections';
import { WAREHOUSE_COMMENTS_V1 } from './warehouse-schema.comments';
import { DEPARTMENT_ROWS_V1, TOUCHPOINT_TYPES_V1 } from './warehouse-reference.seed';

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
        TOUCHPOINT_TYPES_V1.map((t) => t.typeKey),
        TOUCHPOINT_TYPES_V1.map((t) => t.type),
        TOUCHPOINT_TYPES_V1.map((t) => t.channel),
        TOUCHPOINT_TYPES_V1.map((t) => t.process),
        TOUCHPOINT_TYPES_V1.map((t) => t.hasAmount),
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
      [DEPARTMENT_ROWS_V1.map((d) => d.departmentKey), DEPARTMENT_ROWS_V1.map((d) => d.department), DEPARTMENT_ROWS_V1.map((d) => d.activity)],
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

    for (const statement of WAREHOUSE_COMMENTS_V1) await q.query(statement);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP SCHEMA IF EXISTS warehouse CASCADE`);
  }
}


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

/** The warehouse's migrations, in order; run them after the event store's. */
export const WAREHOUSE_MIGRATIONS = [WarehouseSchema1767657600000, WarehouseErasableName1767830400000] as const;
