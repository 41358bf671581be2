/**
 * The auditors' command line: `npm run audit -- verify` (every hash of every stream) and
 * `npm run audit -- verify-projections` (read models against a rebuild). See cli/audit-cli.ts.
 */
import { runAuditCli } from './cli/audit-cli';

runAuditCli(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(2);
  },
);
