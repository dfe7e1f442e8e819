// Reads the payload, destination and callback out of dgram's socket.send() call forms.

export interface SendTarget {
  data: Buffer;
  port: number;
  /** undefined: Node's default, localhost of the socket's family. */
  address: string | undefined;
  callback: ((err: Error | null, bytes?: number) => void) | undefined;
}

type Chunk = Buffer | string | ArrayBufferView;

/**
 * Returns the addressed form of a send() call, or undefined for the forms portplex leaves to
 * Node (a connected socket's send(msg[, cb]), a payload of the wrong type: Node's own send then
 * raises the error it always raises).
 * Forms: send(msg[, offset, length], port[, address][, callback]); msg a Buffer, TypedArray,
 * DataView, string, or an array of those.
 */
export function parseSendArgs(args: readonly unknown[]): SendTarget | undefined {
  let msg = args[0];
  let rest: readonly unknown[];
  if (typeof args[1] === 'number' && typeof args[2] === 'number' && typeof args[3] === 'number') {
    // send(msg, offset, length, port, ...): offset and length slice one buffer.
    const view = toBuffer(msg as Chunk);
    if (view === undefined || Array.isArray(msg)) return undefined;
    const offset = args[1];
    const length = args[2];
    if (!Number.isInteger(offset) || !Number.isInteger(length) || offset < 0 || length < 0 || offset + length > view.length) return undefined;
    msg = view.subarray(offset, offset + length);
    rest = args.slice(3);
  } else {
    rest = args.slice(1);
  }
  const port = rest[0];
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) return undefined;
  let address: string | undefined;
  let callback: SendTarget['callback'];
  if (typeof rest[1] === 'string') address = rest[1];
  else if (typeof rest[1] === 'function') callback = rest[1] as SendTarget['callback'];
  else if (rest[1] !== undefined && rest[1] !== null) return undefined;
  if (callback === undefined && typeof rest[2] === 'function') callback = rest[2] as SendTarget['callback'];
  let data: Buffer | undefined;
  if (Array.isArray(msg)) {
    const parts: Buffer[] = [];
    for (const part of msg) {
      const b = toBuffer(part as Chunk);
      if (b === undefined) return undefined;
      parts.push(b);
    }
    data = Buffer.concat(parts);
  } else {
    data = toBuffer(msg as Chunk);
  }
  if (data === undefined) return undefined;
  return { data, port, address, callback };
}

function toBuffer(chunk: Chunk): Buffer | undefined {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (typeof chunk === 'string') return Buffer.from(chunk);
  if (ArrayBuffer.isView(chunk)) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  return undefined;
}
