import type { CustomerDefinition } from '@klantcentraal/domain';

/** Injection tokens of AuditApiModule (see AuditApiModule.register). */
export const EVENT_STORE = Symbol('EVENT_STORE');
export const CLOCK = Symbol('CLOCK');
export const DEFINITION = Symbol('DEFINITION');

export type Clock = () => Date;
/** The customer definition the as-of profile is viewed with. */
export type DefinitionProvider = () => Promise<CustomerDefinition>;
