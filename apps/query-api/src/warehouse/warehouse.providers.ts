import type { Provider } from '@nestjs/common';
import type { WaitForPosition } from '../query-api.tokens';
import { WAREHOUSE_HANDLERS } from './get-warehouse.handlers';
import { WarehouseController } from './warehouse.controller';
import { WAREHOUSE_WAIT_FOR_POSITION, WarehouseMinPositionInterceptor } from './warehouse-consistency';

/** What QueryApiModule registers for `GET /v1/warehouse/*` (role analyst; the warehouse schema in the same pool). */
export const WAREHOUSE_CONTROLLERS = [WarehouseController];

export function warehouseProviders(waitForWarehousePosition: WaitForPosition | undefined): Provider[] {
  return [{ provide: WAREHOUSE_WAIT_FOR_POSITION, useValue: waitForWarehousePosition ?? null }, WarehouseMinPositionInterceptor, ...WAREHOUSE_HANDLERS];
}
