/**
 * Test-only entry of the event-store lib: the port contract suite every adapter runs. It uses jest globals
 * (describe/it/expect), so it is kept out of `index.ts` and production bundles. Import it from a spec as
 * `import { describeEventStoreContract } from '<relative path>/libs/event-store/src/testing';`.
 */
export * from './testing/event-store.contract';
