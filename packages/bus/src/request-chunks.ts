/** What a message weighs on the wire, near enough: its bytes plus a record's framing (varints, timestamps, CRC share). */
export function approximateSize(message: {
  key: string;
  value: string;
  headers: Record<string, string>;
}): number {
  let size = 64 + Buffer.byteLength(message.key) + Buffer.byteLength(message.value);
  for (const [name, value] of Object.entries(message.headers))
    size += 8 + Buffer.byteLength(name) + Buffer.byteLength(value);
  return size;
}

/**
 * Splits messages, in order, into consecutive runs of at most `maxBytes` each (a message larger than that goes
 * alone: the broker then names the problem). Kafka refuses a record batch over the topic's `max.message.bytes`
 * (1 MiB by default) and a retry sends the same batch again, so one large publish would fail for ever.
 */
export function requestChunks<M extends { key: string; value: string; headers: Record<string, string> }>(
  messages: readonly M[],
  maxBytes: number,
): M[][] {
  const chunks: M[][] = [];
  let current: M[] = [];
  let currentBytes = 0;
  for (const message of messages) {
    const size = approximateSize(message);
    if (current.length > 0 && currentBytes + size > maxBytes) {
      chunks.push(current);
      current = [];
      currentBytes = 0;
    }
    current.push(message);
    currentBytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
