export * from './cloud-event';
export * from './insight-publisher';
export * from './kafka-insight-publisher';
export * from './logger';
export * from './messaging.migrations';
export * from './outbox';
export * from './outbox-relay';
