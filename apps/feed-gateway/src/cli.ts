/**
 * `npm run feed -- --account-manager u-17 [--types a,b] [--url http://localhost:3000] [--key <sales key>] [--json]`:
 * tails the real-time insight feed in the terminal (see tail/feed-tail.ts).
 */
import { parseTailArgs, tailFeed, TailRefused, TAIL_USAGE, UsageError } from './tail/feed-tail';

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(TAIL_USAGE);
    return 0;
  }
  const options = parseTailArgs(argv, process.env);
  const stop = new AbortController();
  process.once('SIGINT', () => stop.abort());
  process.once('SIGTERM', () => stop.abort());
  await tailFeed(options, { line: (text) => console.log(text), note: (text) => console.error(`[feed] ${text}`) }, stop.signal);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof UsageError) console.error(`${err.message}\n\n${TAIL_USAGE}`);
    else if (err instanceof TailRefused) console.error(`[feed] ${err.message}`);
    else console.error(err);
    process.exit(err instanceof UsageError ? 2 : 1);
  },
);
