import type { CustomerProfileState } from '@klantcentraal/domain';

/**
 * One customer touched by a batch of the customer-profile projection: its fold state before and after the batch.
 * The fold keeps an untouched fact list by reference, so the derived writers tell what changed with `!==`.
 */
export type FoldedCustomer = Readonly<{
  customerId: string;
  /** null: first seen in this batch. */
  before: CustomerProfileState | null;
  after: CustomerProfileState;
  /** Definition version the stored derived rows were computed with (null: none stored yet). */
  storedDefinitionVersion: number | null;
}>;

/** Did any of the named fact lists change in this batch (or is the customer new, or the definition another)? */
export function changedIn(
  customer: FoldedCustomer,
  lists: readonly (keyof CustomerProfileState)[],
  definitionVersion?: number,
): boolean {
  const { before, after } = customer;
  if (before === null) return true;
  if (definitionVersion !== undefined && customer.storedDefinitionVersion !== definitionVersion) return true;
  return lists.some((list) => before[list] !== after[list]);
}
