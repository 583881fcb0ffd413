import mongoose, { type Connection } from 'mongoose';

/**
 * One connection per service, to the service's own database. The same URL works for FerretDB locally and for
 * a MongoDB replica set or Atlas in production: nothing here relies on transactions or change streams.
 */
export async function connectDatabase(url: string, dbName: string): Promise<Connection> {
  const open = (maxPoolSize?: number) =>
    mongoose
      .createConnection(url, {
        dbName,
        serverSelectionTimeoutMS: 10_000,
        // Index builds are part of start-up: a missing unique index would silently allow duplicates.
        autoIndex: true,
        // Command events feed the count of the service's writes and reads (database-commands.ts).
        monitorCommands: true,
        ...(maxPoolSize ? { maxPoolSize } : {}),
      })
      .asPromise();
  const connection = await open();
  if (!(await isFerretDb(connection))) return connection;
  // A stock FerretDB 1.x applies an update as read, modify, write back, without isolation: two concurrent
  // updates of one document lose one of them, and two guarded decrements can both pass their guard (measured: 50
  // concurrent $inc gave 16). The build this project's launcher makes locks those writes (see
  // infra/local/src/ferretdb-patches.ts), but MONGO_URL may name any FerretDB: one connection makes this
  // process's operations run one at a time, which keeps a single instance of each service safe on a stock
  // build too. MongoDB needs none of this.
  await connection.close();
  return open(1);
}

/**
 * A second connection for reads that may run side by side: public pages whose reads would otherwise queue
 * behind each other (and behind the writes) on the one connection a FerretDB gets above. Reads need no lock on
 * any FerretDB, so this one has a pool. On MongoDB, whose connection already has a pool, it is that connection.
 * `poolSize` 0 shares the write connection (one queue for everything, as before).
 */
export async function connectReadDatabase(
  writes: Connection,
  url: string,
  dbName: string,
  poolSize: number,
): Promise<Connection> {
  if (poolSize === 0 || !(await isFerretDb(writes))) return writes;
  // No index builds from here: the write connection owns them.
  return mongoose
    .createConnection(url, {
      dbName,
      serverSelectionTimeoutMS: 10_000,
      autoIndex: false,
      monitorCommands: true,
      maxPoolSize: poolSize,
    })
    .asPromise();
}

async function isFerretDb(connection: Connection): Promise<boolean> {
  const info = await connection.db?.admin().command({ buildInfo: 1 });
  return info !== undefined && 'ferretdbVersion' in info;
}

/** Readiness: the database answers a ping within the timeout. */
export async function databaseReachable(connection: Connection, timeoutMs = 2_000): Promise<boolean> {
  const db = connection.db;
  if (!db || connection.readyState !== mongoose.ConnectionStates.connected) return false;
  const ping = db.admin().command({ ping: 1 });
  const timeout = new Promise<never>((_, reject) =>
    setTimeout(() => reject(new Error('ping timed out')), timeoutMs).unref(),
  );
  try {
    await Promise.race([ping, timeout]);
    return true;
  } catch {
    return false;
  }
}
