/** MongoDB's duplicate-key error: a unique index or `_id` refused a second document. */
export function isDuplicateKey(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 11000;
}
