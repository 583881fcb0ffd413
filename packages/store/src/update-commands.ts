/**
 * Update statements sent in one command at most. On the local FerretDB build a command whose statements each name
 * a different document by `_id` is one commit, with all its documents locked until then: larger commands mean
 * fewer commits, but an HTTP write of one of those documents waits for the whole command. MongoDB takes up to
 * 100,000 statements in one command, so the limit only costs round trips there.
 */
export const updatesPerCommand = 50;

/** `items` in order, in pieces of at most `size`. */
export function inCommands<T>(items: readonly T[], size = updatesPerCommand): T[][] {
  const pieces: T[][] = [];
  for (let start = 0; start < items.length; start += size) pieces.push(items.slice(start, start + size));
  return pieces;
}
