import { DeciderSpecification } from './decider-specification';

// A toy decider, so these specs check the helper and not a domain rule.
type Added = { type: 'Added'; n: number };
const spec = DeciderSpecification.for(
  (command: { add: number }, total: number): Added[] => {
    if (total + command.add > 10) throw new RangeError(`total would exceed 10`);
    return [{ type: 'Added', n: command.add }];
  },
  (total: number, event: Added) => total + event.n,
  0,
);

describe('DeciderSpecification', () => {
  it('passes when the decided events equal the expected ones, after folding the given events', () => {
    spec.given([{ type: 'Added', n: 4 }]).when({ add: 6 }).then([{ type: 'Added', n: 6 }]);
  });

  it('fails when the decided events differ', () => {
    expect(() => spec.given([]).when({ add: 1 }).then([{ type: 'Added', n: 2 }])).toThrow();
  });

  it('fails then() when the decider throws', () => {
    expect(() => spec.given([{ type: 'Added', n: 10 }]).when({ add: 1 }).then([])).toThrow(RangeError);
  });

  it('passes thenThrows when the error matches a class, an object and a predicate', () => {
    spec
      .given([{ type: 'Added', n: 10 }])
      .when({ add: 1 })
      .thenThrows(RangeError, { message: 'total would exceed 10' }, (error) => error instanceof Error);
  });

  it('fails thenThrows when nothing is thrown or the error does not match', () => {
    expect(() => spec.given([]).when({ add: 1 }).thenThrows()).toThrow('expected the decider to throw');
    expect(() => spec.given([{ type: 'Added', n: 10 }]).when({ add: 1 }).thenThrows(TypeError)).toThrow();
    expect(() => spec.given([{ type: 'Added', n: 10 }]).when({ add: 1 }).thenThrows({ message: 'other' })).toThrow();
    expect(() => spec.given([{ type: 'Added', n: 10 }]).when({ add: 1 }).thenThrows(() => false)).toThrow();
  });

  it('accepts the initial state as a factory', () => {
    DeciderSpecification.for(
      (command: { add: number }, total: number): Added[] => [{ type: 'Added', n: command.add + total }],
      (total: number, event: Added) => total + event.n,
      () => 5,
    )
      .given([])
      .when({ add: 1 })
      .then([{ type: 'Added', n: 6 }]);
  });
});
