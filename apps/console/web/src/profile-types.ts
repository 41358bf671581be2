// The profile as the API answers it (GET /v1/customers/{id}, audit state); erased personal fields are null.
export type { CustomerProfileView as Profile } from '@klantcentraal/domain';
export { COMPANY_SIZES as SIZES, LIFECYCLE_PHASES as PHASES, LOYALTY_STATUSES as LOYALTIES } from '@klantcentraal/domain';
