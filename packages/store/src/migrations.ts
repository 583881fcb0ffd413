import type { Connection } from 'mongoose';

interface MigrationRecord {
  _id: string;
  doneAt: Date;
}

/**
 * Runs a start-up migration once per database: a migration that ran to its end is recorded by name in
 * `migrations` and skipped from then on, so its cost (often a scan) is paid once, not at every start. The record is
 * written last, so each migration must be idempotent: a crash, or a second instance migrating at the same time,
 * only repeats work. True when it ran.
 */
export async function migrateOnce(
  connection: Connection,
  name: string,
  migrate: () => Promise<void>,
): Promise<boolean> {
  // Through the connection's own collection, so the connection's debug and command watching see it.
  const migrations = connection.collection<MigrationRecord>('migrations');
  if (await migrations.findOne({ _id: name }, { projection: { _id: 1 } })) return false;
  await migrate();
  await migrations.updateOne({ _id: name }, { $set: { doneAt: new Date() } }, { upsert: true });
  return true;
}
