import { DEFAULT_CUSTOMER_DEFINITION } from './customer-definition';
import { median, summariseComplaints, type ComplaintTimes } from './complaints.read-model';
import { DAY, HOUR, plus } from './testing/stored-event.fixture';

const T0 = '2026-03-02T08:00:00.000Z';
const after = (ms: number): string => plus(T0, ms);
const resolvedAfter = (ms: number): ComplaintTimes => ({ filedAt: T0, resolvedAt: after(ms) });
const open: ComplaintTimes = { filedAt: T0, resolvedAt: null };
const asOf = after(30 * DAY);

describe('complaints summary', () => {
  it('counts a complaint resolved exactly 24 hours after filing as within target, 1 ms later as not', () => {
    expect(summariseComplaints([resolvedAfter(24 * HOUR), resolvedAfter(24 * HOUR + 1)], asOf, DEFAULT_CUSTOMER_DEFINITION)).toEqual({
      filed: 2,
      resolved: 2,
      open: 0,
      resolvedWithinTarget: 1,
      share: 0.5,
      targetHours: 24,
      targetShare: 0.9,
      meetsTarget: false,
      medianHoursToResolve: 24 + 1 / 2 / HOUR,
    });
  });

  it('meets the target when the share equals the target share', () => {
    const complaints = [...Array.from({ length: 9 }, () => resolvedAfter(HOUR)), resolvedAfter(3 * DAY)];
    expect(summariseComplaints(complaints, asOf, DEFAULT_CUSTOMER_DEFINITION)).toMatchObject({
      filed: 10,
      resolvedWithinTarget: 9,
      share: 0.9,
      meetsTarget: true,
      medianHoursToResolve: 1,
    });
    const missed = [...complaints.slice(0, 8), open, resolvedAfter(3 * DAY)];
    expect(summariseComplaints(missed, asOf, DEFAULT_CUSTOMER_DEFINITION)).toMatchObject({
      filed: 10,
      resolved: 9,
      open: 1,
      resolvedWithinTarget: 8,
      share: 0.8,
      meetsTarget: false,
    });
  });

  it('is as of the moment of the query: a later resolution is still open, a later filing not yet filed', () => {
    const complaints = [resolvedAfter(2 * HOUR), { filedAt: after(DAY), resolvedAt: null }];
    expect(summariseComplaints(complaints, after(HOUR), DEFAULT_CUSTOMER_DEFINITION)).toMatchObject({
      filed: 1,
      resolved: 0,
      open: 1,
      resolvedWithinTarget: 0,
      share: 0,
      meetsTarget: false,
      medianHoursToResolve: null,
    });
    expect(summariseComplaints(complaints, after(2 * HOUR), DEFAULT_CUSTOMER_DEFINITION)).toMatchObject({
      filed: 1,
      resolved: 1,
      open: 0,
      share: 1,
      meetsTarget: true,
      medianHoursToResolve: 2,
    });
  });

  it('has no share and no verdict when nothing was filed', () => {
    expect(summariseComplaints([], asOf, DEFAULT_CUSTOMER_DEFINITION)).toEqual({
      filed: 0,
      resolved: 0,
      open: 0,
      resolvedWithinTarget: 0,
      share: null,
      targetHours: 24,
      targetShare: 0.9,
      meetsTarget: null,
      medianHoursToResolve: null,
    });
  });

  it('uses the configured target', () => {
    const target = { complaintTargetHours: 48, complaintTargetShare: 0.5 };
    expect(summariseComplaints([resolvedAfter(48 * HOUR), open], asOf, target)).toMatchObject({
      resolvedWithinTarget: 1,
      share: 0.5,
      targetHours: 48,
      targetShare: 0.5,
      meetsTarget: true,
    });
  });

  it('treats a resolution that occurred before the filing as immediate', () => {
    expect(summariseComplaints([resolvedAfter(-HOUR)], asOf, DEFAULT_CUSTOMER_DEFINITION)).toMatchObject({
      resolvedWithinTarget: 1,
      medianHoursToResolve: 0,
    });
  });

  it('takes the ordinary median: the middle value, or the mean of the two middle values', () => {
    expect(median([])).toBeNull();
    expect(median([5])).toBe(5);
    expect(median([9, 1, 4])).toBe(4);
    expect(median([10, 1, 4, 2])).toBe(3);
    const hours = [1, 3, 10, 30].map((h) => resolvedAfter(h * HOUR));
    expect(summariseComplaints(hours, asOf, DEFAULT_CUSTOMER_DEFINITION).medianHoursToResolve).toBe(6.5);
  });
});
