/**
 * Given/when/then for deciders, after emmett's `DeciderSpecification`. Assertions use jest's global `expect`, so
 * this is for specs only and deliberately not exported from the domain's index.
 *
 *   const spec = DeciderSpecification.for(decide, evolve, initialState);
 *   spec.given([...past events]).when(command).then([...expected events]);
 *   spec.given([...]).when(command).thenThrows(RuleViolationError, { rule: 'complaint-not-open', index: 2 });
 */
type ErrorClass = abstract new (...args: never[]) => Error;
type ErrorPredicate = (error: unknown) => boolean | void;
/** A class the error must be an instance of, a predicate (returning `false` fails; it may also assert), or an
 * object the error must match (jest `toMatchObject`). */
export type ErrorMatcher = ErrorClass | ErrorPredicate | Readonly<Record<string, unknown>>;

export type DeciderThen<Event> = Readonly<{
  then(expected: readonly Event[]): void;
  thenThrows(...matchers: ErrorMatcher[]): void;
}>;

export type DeciderGiven<Command, Event> = Readonly<{ when(command: Command): DeciderThen<Event> }>;

export type DeciderSpec<Command, _State, Event> = Readonly<{
  given(events: readonly Event[]): DeciderGiven<Command, Event>;
}>;

const isErrorClass = (matcher: ErrorMatcher): matcher is ErrorClass =>
  typeof matcher === 'function' && (matcher === Error || matcher.prototype instanceof Error);

export const DeciderSpecification = {
  for<Command, State, Event>(
    decide: (command: Command, state: State) => readonly Event[],
    evolve: (state: State, event: Event) => State,
    initialState: State | (() => State),
  ): DeciderSpec<Command, State, Event> {
    const start = (): State =>
      typeof initialState === 'function' ? (initialState as () => State)() : initialState;
    return {
      given: (given) => ({
        when: (command) => {
          const run = (): readonly Event[] => decide(command, given.reduce(evolve, start()));
          return {
            then: (expected) => {
              expect(run()).toEqual(expected);
            },
            thenThrows: (...matchers) => {
              let thrown: unknown;
              let threw = false;
              try {
                run();
              } catch (error) {
                thrown = error;
                threw = true;
              }
              if (!threw) throw new Error('expected the decider to throw, but it returned events');
              for (const matcher of matchers) {
                if (isErrorClass(matcher)) {
                  expect(thrown).toBeInstanceOf(matcher);
                } else if (typeof matcher === 'function') {
                  if (matcher(thrown) === false) {
                    throw new Error(`the thrown error did not satisfy the predicate: ${String(thrown)}`);
                  }
                } else {
                  expect(thrown).toMatchObject(matcher);
                }
              }
            },
          };
        },
      }),
    };
  },
};
