import type { Pool } from 'pg';
import type { CustomerDefinition } from '@klantcentraal/domain';

/** Injection tokens of QueryApiModule (see QueryApiModule.register). */
export const READ_MODELS = Symbol('READ_MODELS');
export const WAIT_FOR_POSITION = Symbol('WAIT_FOR_POSITION');
export const REQUEST_REBUILD = Symbol('REQUEST_REBUILD');
export const EVENT_STORE = Symbol('EVENT_STORE');

export type Clock = () => Date;

/** Resolves once the projections have processed `position`; rejects (ProjectionLagError) after `timeoutMs`. */
export type WaitForPosition = (position: number, timeoutMs: number) => Promise<void>;

/** Starts a rebuild (replay) of the read-model projections; the API does not wait for it to finish. */
export type RequestRebuild = () => Promise<unknown> | unknown;

/** What the query handlers read with: the read-model pool, the moment "now", and the active customer definition. */
export type ReadModels = Readonly<{
  pool: Pool;
  /** The moment queries are evaluated at when the request names none, as ISO text. */
  now(): string;
  definition(): Promise<CustomerDefinition>;
}>;
