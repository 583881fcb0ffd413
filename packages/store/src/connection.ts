import mongoose, { type Connection } from 'mongoose';

/**
 * One connection per service, to the service's own database. The same URL works for FerretDB locally and for
 * a MongoDB replica set or Atlas in production: nothing here relies on transactions or change streams.
 */
export async function connectDatabase(url: string, dbName: string): Promise<Connection> {
  const connection = mongoose.createConnection(url, {
    dbName,
    serverSelectionTimeoutMS: 10_000,
    // Index builds are part of start-up: a missing unique index would silently allow duplicates.
    autoIndex: true,
  });
  await connection.asPromise();
  return connection;
}

/** Readiness: the database answers a ping within the timeout. */
export async function databaseReachable(connection: Connection, timeoutMs = 2_000): Promise<boolean> {
  const db = connection.db;
  if (!db || connection.readyState !== 1) return false;
  const ping = db.admin().command({ ping: 1 });
  const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('ping timed out')), timeoutMs).unref());
  try {
    await Promise.race([ping, timeout]);
    return true;
  } catch {
    return false;
  }
}
