/** A stored binary field as a Buffer: lean reads give the driver's Binary, fresh documents a Buffer. */
export function bufferOf(value: Buffer | { buffer: Uint8Array; position?: number }): Buffer {
  if (Buffer.isBuffer(value)) return value;
  return Buffer.from(value.buffer.subarray(0, value.position ?? value.buffer.length));
}
