import { DynamicModule, Module } from '@nestjs/common';
import { Metrics } from './metrics';
import { MetricsController } from './metrics.controller';

/** `GET /metrics` (role admin) over the process's one `Metrics` registry, which it also provides to everyone. */
@Module({})
export class MetricsModule {
  static register(metrics: Metrics): DynamicModule {
    return {
      module: MetricsModule,
      global: true,
      controllers: [MetricsController],
      providers: [{ provide: Metrics, useValue: metrics }],
      exports: [Metrics],
    };
  }
}
