import { applyDecorators, Inject, Injectable, UseInterceptors } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import { MIN_POSITION_HEADER, MinPositionInterceptor } from '../consistency/min-position.interceptor';
import type { WaitForPosition } from '../query-api.tokens';

/** `(position, timeoutMs) => warehouseRunner.waitForPosition(position, timeoutMs)`: the warehouse has its own runner. */
export const WAREHOUSE_WAIT_FOR_POSITION = Symbol('WAREHOUSE_WAIT_FOR_POSITION');

/** `X-Min-Position` on warehouse reads waits for the warehouse's projection runner, not the read models'. */
@Injectable()
export class WarehouseMinPositionInterceptor extends MinPositionInterceptor {
  constructor(@Inject(WAREHOUSE_WAIT_FOR_POSITION) waitForPosition: WaitForPosition | null) {
    super(waitForPosition);
  }
}

export const ReadsOwnWritesFromWarehouse = () =>
  applyDecorators(
    UseInterceptors(WarehouseMinPositionInterceptor),
    ApiHeader({
      name: MIN_POSITION_HEADER,
      required: false,
      description:
        'Wait (up to 5 s) until the warehouse has processed this global position — e.g. `lastPosition` of an ingest response — then answer; 503 `projection-lag` on timeout.',
    }),
  );
