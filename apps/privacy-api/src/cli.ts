/** `npm run privacy -- ledger --out <file>` / `apply-ledger --from <file>`: see cli/privacy-cli.ts. */
import { runPrivacyCli } from './cli/privacy-cli';

runPrivacyCli(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(2);
  },
);
