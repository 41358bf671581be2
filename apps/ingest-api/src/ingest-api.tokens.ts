/** Injection tokens of IngestApiModule (see IngestApiModule.register). */
export const EVENT_STORE = Symbol('EVENT_STORE');
export const CLOCK = Symbol('CLOCK');
export const ID_GENERATOR = Symbol('ID_GENERATOR');

export type Clock = () => Date;
export type IdGenerator = () => string;
