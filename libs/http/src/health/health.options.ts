/** A readiness check: resolving (to anything but `false`) means up; rejecting, timing out or `false` means down. */
export type HealthCheck = () => unknown | Promise<unknown>;

export type HealthModuleOptions = Readonly<{
  /** Named checks run by `GET /health/ready`, e.g. `{ database: () => pool.query('SELECT 1') }`. */
  checks?: Readonly<Record<string, HealthCheck>>;
  /** Per check (default 2000 ms). */
  timeoutMs?: number;
}>;

export const HEALTH_OPTIONS = Symbol('HEALTH_OPTIONS');
