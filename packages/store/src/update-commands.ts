/**
 * Update statements sent in one command at most. FerretDB 1.24 keeps each statement's read open until its command
 * ends, and a command of 100 statements or more exhausts the database's 100 SQLite connections and never answers
 * (every later command of that database then waits too: measured, 99 statements took 113 ms and 100 hung).
 * MongoDB takes up to 100,000 in one command, so the limit only costs round trips there.
 */
export const updatesPerCommand = 50;

/** `items` in order, in pieces of at most `size`. */
export function inCommands<T>(items: readonly T[], size = updatesPerCommand): T[][] {
  const pieces: T[][] = [];
  for (let start = 0; start < items.length; start += size) pieces.push(items.slice(start, start + size));
  return pieces;
}
