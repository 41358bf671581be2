export { WAREHOUSE_SCHEMA, surrogateKey, type Queryable } from './warehouse-schema';
export { WAREHOUSE_MIGRATIONS, WarehouseSchema1767657600000 } from './warehouse.migrations';
export { WarehouseProjection, createWarehouseProjections, type WarehouseProjectionOptions } from './warehouse.projection';

export { customerVersions, type CustomerAttributes, type CustomerVersion } from './customer-dimension/customer-versions';
export { CHANNELS, PROCESSES, TOUCHPOINT_TYPES, DEPARTMENT_ROWS, type Channel, type Process } from './reference-dimensions/reference-dimensions';

export * from './touchpoints/touchpoints.query';
export * from './basket/basket.query';
export * from './cohorts/cohorts.query';
export * from './rfm/rfm.query';

export {
  ensureWarehouseReader,
  warehouseReaderRoleName,
  WAREHOUSE_READER_FILE,
  type WarehouseReader,
  type WarehouseReaderOptions,
} from './reader-role/warehouse-reader';
