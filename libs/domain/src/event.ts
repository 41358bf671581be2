/**
 * The shape of every event: a past-tense `type` (the stored contract, never derived from a class name) and its data.
 * In a file of its own so that the catalogue (events.ts) and the privacy events can both build on it.
 */
export type Event<Type extends string, Data extends Record<string, unknown>> = Readonly<{
  type: Type;
  data: Readonly<Data>;
}>;
