/**
 * Polls `check` until it holds, for asynchronous effects a test cannot await directly (a subscription delivering,
 * a relay draining). Fails naming what it waited for, so a timeout reads as the behaviour that did not happen.
 */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
