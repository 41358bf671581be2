import { prospectRegistered, complaintFiled, complaintResolved, quoteRequested, quoteSent, promiseMade, promiseDelivered, ruleFreeTouchpoints, foldStreamState, initialStreamState, isQuoteOpen } from './testing/record-touchpoints.fixture';
import { evolveStreamState, isPromiseOpen } from './customer-stream.state';

describe('evolveStreamState / foldStreamState', () => {
  it('starts empty', () => {
    expect(initialStreamState.exists).toBe(false);
    expect(foldStreamState([])).toBe(initialStreamState);
  });

  it('tracks existence, complaints, quotes and promises', () => {
    const state = foldStreamState([
      prospectRegistered,
      complaintFiled('C-1'),
      complaintFiled('C-2'),
      complaintResolved('C-1'),
      quoteRequested('Q-1'),
      quoteRequested('Q-2'),
      quoteSent('Q-1'),
      promiseMade('P-1'),
      promiseMade('P-2'),
      promiseDelivered('P-2'),
    ]);
    expect(state.exists).toBe(true);
    expect([...state.openComplaintIds]).toEqual(['C-2']);
    expect([...state.resolvedComplaintIds]).toEqual(['C-1']);
    expect([...state.requestedQuoteIds]).toEqual(['Q-1', 'Q-2']);
    expect([...state.sentQuoteIds]).toEqual(['Q-1']);
    expect([...state.madePromiseIds]).toEqual(['P-1', 'P-2']);
    expect([...state.deliveredPromiseIds]).toEqual(['P-2']);
    expect([isQuoteOpen(state, 'Q-1'), isQuoteOpen(state, 'Q-2')]).toEqual([false, true]);
    expect([isPromiseOpen(state, 'P-1'), isPromiseOpen(state, 'P-2')]).toEqual([true, false]);
  });

  it('leaves the state untouched for events without a rule', () => {
    const state = foldStreamState([prospectRegistered]);
    for (const event of ruleFreeTouchpoints.filter((e) => !['QuoteRequested', 'PromiseMade'].includes(e.type))) {
      expect(evolveStreamState(state, event)).toBe(state);
    }
  });

  it('never mutates an earlier state', () => {
    const before = foldStreamState([prospectRegistered, complaintFiled('C-1')]);
    const after = evolveStreamState(before, complaintResolved('C-1'));
    expect([...before.openComplaintIds]).toEqual(['C-1']);
    expect([...after.openComplaintIds]).toEqual([]);
    expect(before.resolvedComplaintIds.size).toBe(0);
  });
});
