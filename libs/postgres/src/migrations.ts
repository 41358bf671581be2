import { DataSource, MigrationInterface } from 'typeorm';

export type MigrationClass = new () => MigrationInterface;

/**
 * Apply TypeORM migrations (every schema of the platform is owned by migrations; no `synchronize`).
 * Each lib exports its migration classes; the caller passes them all. Runs under an advisory lock so several
 * services starting at once migrate once.
 */
export async function runMigrations(url: string, migrations: readonly MigrationClass[]): Promise<string[]> {
  const dataSource = new DataSource({
    type: 'postgres',
    url,
    migrations: [...migrations],
    migrationsTableName: 'kc_migrations',
    migrationsTransactionMode: 'each',
    logging: ['error'],
  });
  await dataSource.initialize();
  const runner = dataSource.createQueryRunner();
  try {
    await runner.connect();
    await runner.query('SELECT pg_advisory_lock(hashtext($1))', ['klantcentraal:migrations']);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await runner.query('SELECT pg_advisory_unlock(hashtext($1))', ['klantcentraal:migrations']).catch(() => undefined);
    await runner.release();
    await dataSource.destroy();
  }
}
