import type { Connection } from 'mongoose';

/**
 * Commands that change data. On MongoDB each is one write to the journal; on the local FerretDB each is its own
 * SQLite transaction, so this count is the count of commits a path costs.
 */
const writeCommands = new Set(['insert', 'update', 'delete', 'findAndModify']);
// What every driver sends on its own (heartbeats, handshakes, sessions), not the service's work.
const housekeeping = new Set([
  'hello',
  'ismaster',
  'isMaster',
  'ping',
  'buildInfo',
  'endSessions',
  'saslStart',
]);

export type DatabaseCommandKind = 'write' | 'read';

/** The command's name, and whether it writes, as the service's own work on the database. */
export function classifyCommand(name: string): { name: string; kind: DatabaseCommandKind } | null {
  if (housekeeping.has(name)) return null;
  return { name, kind: writeCommands.has(name) ? 'write' : 'read' };
}

/**
 * Calls `count` for every command the connections send (the driver's command monitoring, which
 * `connectDatabase` turns on), so a service can publish how many writes and reads its work costs. A connection
 * listed twice (the read connection is the write one on MongoDB) is watched once.
 */
export function watchDatabaseCommands(
  connections: readonly Connection[],
  count: (command: { name: string; kind: DatabaseCommandKind }) => void,
): void {
  for (const connection of new Set(connections))
    connection.getClient().on('commandStarted', (event) => {
      const command = classifyCommand(event.commandName);
      if (command) count(command);
    });
}
