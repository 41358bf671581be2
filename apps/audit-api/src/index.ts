export { AuditApiModule, type AuditApiOptions } from './audit-api.module';
export { customerStateAsOf, CustomerStateAsOfFold, AS_OF_BASES, type AsOfBasis, type CustomerStateAsOf } from './state/customer-state-as-of';
export { runAuditCli, type CliIo } from './cli/audit-cli';
