/**
 * MongoDB's duplicate-key error (code 11000): a unique index or `_id` refused a second document. For an
 * unordered bulk insert, true only when every refused document was a duplicate.
 */
export function isDuplicateKey(
  error: unknown,
): error is { code?: number; keyPattern?: Record<string, unknown>; message: string } {
  if (typeof error !== 'object' || error === null) return false;
  const { code, writeErrors } = error as { code?: unknown; writeErrors?: { code?: number }[] };
  return (
    code === 11000 ||
    (Array.isArray(writeErrors) &&
      writeErrors.length > 0 &&
      writeErrors.every((writeError) => writeError.code === 11000))
  );
}
