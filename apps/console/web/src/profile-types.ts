// The profile as the API answers it (GET /v1/customers/{id}, audit state); erased personal fields are null.
export type Profile = {
  customerId: string;
  name: string | null;
  size: string;
  lifecyclePhase: string;
  cycle: number;
  loyalty: { status: string; reasons: string[]; purchaseCount: number; lastPurchaseAt: string | null };
  nps: { lastScore: number | null; category: string | null; lastImprovement: string | null };
  complaints: { open: number; resolved: number };
  experience: { positive: number; asExpected: number; negative: number };
  accountManager: { employeeId: string; salesRole: string } | null;
  contacts: { contactId: string; name: string | null; email: string | null; dmuRole: string }[];
  touchpoints: { total: number; byType: Record<string, number> };
  lastTouchpointAt: string | null;
  asOf: string;
  definitionVersion: number;
};

export const PHASES = ['prospect', 'new-customer', 'loyal-customer', 'departed'];
export const LOYALTIES = ['none', 'new', 'loyal', 'at-risk', 'lapsed'];
export const SIZES = ['small', 'medium', 'large', 'enterprise'];
