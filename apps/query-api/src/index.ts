export { QueryApiModule, type QueryApiOptions } from './query-api.module';
export type { Clock, RequestRebuild, WaitForPosition } from './query-api.tokens';
export { MIN_POSITION_HEADER, MIN_POSITION_TIMEOUT_MS } from './consistency/min-position.interceptor';
