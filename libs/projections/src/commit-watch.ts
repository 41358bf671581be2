/**
 * Read-your-writes for a runner in this process: it remembers the lowest checkpoint the runner committed and wakes
 * waiters on every commit, so `waitForPosition` needs no query per wait while the runner runs here, and falls back
 * to polling the checkpoints table when another process runs the projector.
 */
import { ProjectionLagError } from './projection-lag.error';

export type CheckpointReader = Readonly<{
  /** The lowest checkpoint of the runner's projections, read from the database. */
  readLowest(): Promise<number>;
  /** How long to wait for a commit before reading again. */
  pollMs(): number;
}>;

export class CommitWatch {
  /** Lowest checkpoint committed by this runner; null when it cannot be trusted (not every partition is ours). */
  position: number | null = null;
  private readonly waiters = new Set<() => void>();

  /** Records a commit (null: position unknown) and wakes every waiter. */
  committed(position: number | null): void {
    this.position = position;
    const waiters = [...this.waiters];
    this.waiters.clear();
    for (const wake of waiters) wake();
  }

  /** Resolves once the checkpoints reach `position`; rejects with ProjectionLagError after `timeoutMs`. */
  async waitFor(position: number, timeoutMs: number, reader: CheckpointReader): Promise<void> {
    if (this.position !== null && this.position >= position) return;
    const deadline = Date.now() + timeoutMs;
    let reached = await reader.readLowest();
    while (reached < position) {
      const left = deadline - Date.now();
      if (left <= 0) throw new ProjectionLagError(position, reached, timeoutMs);
      const woken = await this.next(Math.min(left, reader.pollMs()));
      reached = woken && this.position !== null ? this.position : await reader.readLowest();
    }
  }

  /** true when woken by a commit of this runner, false on timeout. */
  private next(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(wake);
        resolve(false);
      }, ms);
      this.waiters.add(wake);
    });
  }
}
