// Our binary frames, as they travel between master and workers on the IPC pipe.
//
// A frame is [0x01][type][payload length, u32 LE][payload]. Node's own JSON messages on the same
// pipe never start with 0x01 (JSON text starts with {, [, ", a digit, -, t, f or n), so a reader
// tells the two apart at every message boundary (frame-channel.ts). Frames carry what happens per
// connection, and every descriptor: a frame and its descriptor leave in one write.
//
// FRAME_LAYOUT below gives each type's direction and payload; docs/internals/frames.md is the
// one table of them, with what each field means (a unit test holds the two and the encoders
// together).

export const FRAME_MARK = 0x01;
export const HEADER_BYTES = 6;
/** Larger claims mean a corrupt stream: the channel is given up, not a 4 GB buffer allocated. */
export const MAX_PAYLOAD = 16 * 1024 * 1024;

export const FRAME = Object.freeze({ conn: 0x43 /* C */, listen: 0x4c /* L */, acks: 0x41 /* A */, forward: 0x46 /* F */, accepted: 0x44 /* D */, datagrams: 0x55 /* U */, replies: 0x52 /* R */, sessions: 0x53 /* S */ });

/**
 * Each frame type's direction and payload, as docs/internals/frames.md lists them. Fields are
 * `name type`, separated by commas: u8, u16, u32 (little-endian) and f64 (double, little-endian)
 * are fixed; latin1 and bytes run as their length field says (or to the payload's end); `[...]`
 * is present only when a flag says so; `...` repeats; `each:` means the payload is a list of such
 * records. A unit test encodes each type's smallest payload and checks its size against this.
 */
export const FRAME_LAYOUT: { readonly [K in keyof typeof FRAME]: { readonly direction: 'master to worker' | 'worker to master'; readonly fields: string } } = Object.freeze({
  conn: { direction: 'master to worker', fields: 'id f64, listener u16, flags u8, sent-at f64, [port u16, family u8, address-length u8, address latin1], read bytes' },
  listen: { direction: 'master to worker', fields: 'listener u16' },
  acks: { direction: 'worker to master', fields: 'taken u32, begun u32, taken-ids f64..., begun-ids f64..., closed-ids f64...' },
  forward: { direction: 'worker to master', fields: 'listener u16, flags u8, read bytes' },
  accepted: { direction: 'worker to master', fields: 'each: seq f64, listener u16, port u16, address-length u8, address latin1' },
  datagrams: { direction: 'master to worker', fields: 'each: listener u16, port u16, address-length u8, address latin1, data-length u16, data bytes' },
  replies: { direction: 'worker to master', fields: 'each: listener u16, port u16, address-length u8, address latin1, data-length u16, data bytes' },
  sessions: { direction: 'worker to master', fields: 'each: key-length u16, key latin1' },
});

/** Frame types whose write carries a descriptor. */
export function carriesHandle(type: number): boolean {
  return type === FRAME.conn || type === FRAME.listen || type === FRAME.forward;
}

const CONN_FIXED = 8 + 2 + 1 + 8;
const FLAG_EOF = 1;
const FLAG_PEER = 2;
const FLAG_RESCUED = 4;

function header(type: number, payload: number): Buffer {
  const b = Buffer.allocUnsafe(HEADER_BYTES + payload);
  b[0] = FRAME_MARK;
  b[1] = type;
  b.writeUInt32LE(payload, 2);
  return b;
}

/**
 * The C frame for connection `id`; `data` are the bytes the master already read. The peer goes
 * along when `address` is given and fits its length byte (textual addresses always do).
 */
export function encodeConn(id: number, listener: number, sentAt: number, data: Uint8Array | undefined, eof: boolean, address?: string, port = 0, family = 'IPv4', rescued = false): Buffer {
  const addressBytes = address === undefined ? 0 : address.length;
  const withPeer = address !== undefined && addressBytes <= 255;
  const peerBytes = withPeer ? 4 + addressBytes : 0;
  const dataBytes = data === undefined ? 0 : data.length;
  const b = header(FRAME.conn, CONN_FIXED + peerBytes + dataBytes);
  let o = HEADER_BYTES;
  o = b.writeDoubleLE(id, o);
  o = b.writeUInt16LE(listener, o);
  b[o++] = (eof ? FLAG_EOF : 0) | (withPeer ? FLAG_PEER : 0) | (rescued ? FLAG_RESCUED : 0);
  o = b.writeDoubleLE(sentAt, o);
  if (withPeer) {
    o = b.writeUInt16LE(port, o);
    b[o++] = family === 'IPv6' ? 6 : 4;
    b[o++] = addressBytes;
    // latin1 writes one byte per UTF-16 unit, so the length above is the byte count.
    o += b.write(address, o, 'latin1');
  }
  if (data !== undefined) b.set(data, o);
  return b;
}

/** A decoded C frame; `data` is a view into the read buffer. */
export interface ConnFrame {
  id: number;
  listener: number;
  sentAt: number;
  eof: boolean;
  /** A worker that died had taken it without saying it read from it (its bytes may be gone with it). */
  rescued: boolean;
  peer: { address: string; port: number; family: string } | undefined;
  data: Buffer | undefined;
}

/** Decodes a C frame's payload, b[start, end); undefined if it is malformed. */
export function decodeConn(b: Buffer, start: number, end: number): ConnFrame | undefined {
  if (end - start < CONN_FIXED) return undefined;
  let o = start;
  const id = b.readDoubleLE(o); o += 8;
  const listener = b.readUInt16LE(o); o += 2;
  const flags = b[o++];
  const sentAt = b.readDoubleLE(o); o += 8;
  let peer: ConnFrame['peer'];
  if (flags & FLAG_PEER) {
    if (end - o < 4) return undefined;
    const port = b.readUInt16LE(o); o += 2;
    const family = b[o++] === 6 ? 'IPv6' : 'IPv4';
    const len = b[o++];
    if (end - o < len) return undefined;
    peer = { address: b.toString('latin1', o, o + len), port, family };
    o += len;
  }
  return { id, listener, sentAt, eof: (flags & FLAG_EOF) !== 0, rescued: (flags & FLAG_RESCUED) !== 0, peer, data: o < end ? b.subarray(o, end) : undefined };
}

/** The L frame: accept on listener `l`'s shared socket. */
export function encodeListen(listener: number): Buffer {
  const b = header(FRAME.listen, 2);
  b.writeUInt16LE(listener, HEADER_BYTES);
  return b;
}

/** Decodes an L frame; -1 if malformed. */
export function decodeListen(b: Buffer, start: number, end: number): number {
  return end - start === 2 ? b.readUInt16LE(start) : -1;
}

/** The A frame: ids taken since the last one, then ids closed. */
const ACKS_FIXED = 8;

/** The A frame: ids taken since the last one, then ids begun, then ids closed. */
export function encodeAcks(taken: readonly number[], begun: readonly number[], closed: readonly number[]): Buffer {
  const b = header(FRAME.acks, ACKS_FIXED + 8 * (taken.length + begun.length + closed.length));
  let o = b.writeUInt32LE(taken.length, HEADER_BYTES);
  o = b.writeUInt32LE(begun.length, o);
  for (let i = 0; i < taken.length; i++) o = b.writeDoubleLE(taken[i]!, o);
  for (let i = 0; i < begun.length; i++) o = b.writeDoubleLE(begun[i]!, o);
  for (let i = 0; i < closed.length; i++) o = b.writeDoubleLE(closed[i]!, o);
  return b;
}

/**
 * Checks an A frame's payload: the number of ids taken, or -1 if malformed. The ids are read with
 * ackId(), taken ones first, then begun ones (acksBegun() of them), then closed ones, without
 * building arrays on the master's hot path.
 */
export function acksTaken(b: Buffer, start: number, end: number): number {
  const len = end - start;
  if (len < ACKS_FIXED || (len - ACKS_FIXED) % 8 !== 0) return -1;
  const taken = b.readUInt32LE(start);
  const begun = b.readUInt32LE(start + 4);
  return taken + begun <= (len - ACKS_FIXED) / 8 ? taken : -1;
}

/** The number of begun ids of an A frame acksTaken() accepted. */
export function acksBegun(b: Buffer, start: number): number {
  return b.readUInt32LE(start + 4);
}

/** Id number `i` (taken ones first, then begun, then closed ones) of an A frame starting at `start`. */
export function ackId(b: Buffer, start: number, i: number): number {
  return b.readDoubleLE(start + ACKS_FIXED + 8 * i);
}

/** Ids in an A frame, taken, begun and closed together. */
export function ackCount(start: number, end: number): number {
  return (end - start - ACKS_FIXED) / 8;
}

/** The F frame: a connection handed back with the bytes already read. */
export function encodeForward(listener: number, data: Uint8Array, eof: boolean): Buffer {
  const b = header(FRAME.forward, 3 + data.length);
  b.writeUInt16LE(listener, HEADER_BYTES);
  b[HEADER_BYTES + 2] = eof ? FLAG_EOF : 0;
  b.set(data, HEADER_BYTES + 3);
  return b;
}

export interface ForwardFrame { listener: number; eof: boolean; data: Buffer }

/** Decodes an F frame; undefined if malformed. */
export function decodeForward(b: Buffer, start: number, end: number): ForwardFrame | undefined {
  if (end - start < 3) return undefined;
  return { listener: b.readUInt16LE(start), eof: (b[start + 2] & FLAG_EOF) !== 0, data: b.subarray(start + 3, end) };
}

/** One direct-mode accept, as the D frame carries it. */
export interface AcceptReport { seq: number; listener: number; address: string; port: number }

/** The D frame: connections a worker accepted itself since its last report. */
export function encodeAccepted(reports: readonly AcceptReport[]): Buffer {
  let size = 0;
  for (const r of reports) size += 13 + Buffer.byteLength(r.address, 'latin1');
  const b = header(FRAME.accepted, size);
  let o = HEADER_BYTES;
  for (const r of reports) {
    o = b.writeDoubleLE(r.seq, o);
    o = b.writeUInt16LE(r.listener, o);
    o = b.writeUInt16LE(r.port, o);
    const len = b.write(r.address, o + 1, 'latin1');
    b[o] = len;
    o += 1 + len;
  }
  return b;
}

/**
 * Reads the D frame b[start, end) into `each`; false if it is malformed (what came before the
 * fault was still reported).
 */
export function decodeAccepted(b: Buffer, start: number, end: number, each: (seq: number, listener: number, address: string, port: number) => void): boolean {
  let o = start;
  while (o < end) {
    if (end - o < 13) return false;
    const seq = b.readDoubleLE(o);
    const listener = b.readUInt16LE(o + 8);
    const port = b.readUInt16LE(o + 10);
    const len = b[o + 12];
    o += 13;
    if (end - o < len) return false;
    each(seq, listener, b.toString('latin1', o, o + len), port);
    o += len;
  }
  return true;
}

/** One datagram in a U or R frame: to or from `address`:`port` on UDP listener `listener`. */
export interface Datagram { listener: number; address: string; port: number; data: Uint8Array }

/** Bytes a datagram takes in a U or R frame (addresses are ASCII: one byte per character). */
export function datagramBytes(d: Datagram): number {
  return 7 + d.address.length + d.data.length;
}

/**
 * A U or R frame of `list`; `size` is the sum of datagramBytes() over it. Payloads over 65535
 * bytes and addresses over 255 characters do not occur (UDP and textual addresses are smaller);
 * callers refuse them before they get here.
 */
export function encodeDatagrams(type: number, list: readonly Datagram[], size: number): Buffer {
  const b = header(type, size);
  let o = HEADER_BYTES;
  for (let i = 0; i < list.length; i++) {
    const d = list[i];
    o = b.writeUInt16LE(d.listener, o);
    o = b.writeUInt16LE(d.port, o);
    b[o++] = d.address.length;
    o += b.write(d.address, o, 'latin1');
    o = b.writeUInt16LE(d.data.length, o);
    b.set(d.data, o);
    o += d.data.length;
  }
  return b;
}

/**
 * Reads a U or R frame b[start, end) into `each` (data is a view into b: copy what outlives the
 * call). All or nothing: a malformed frame delivers no datagram and gives -1; else the count.
 */
export function decodeDatagrams(b: Buffer, start: number, end: number, each: (listener: number, address: string, port: number, data: Buffer) => void): number {
  let n = 0;
  for (let o = start; o < end; n++) {
    if (end - o < 7) return -1;
    const len = b[o + 4];
    if (end - o < 7 + len) return -1;
    o += 7 + len + b.readUInt16LE(o + 5 + len);
    if (o > end) return -1;
  }
  for (let o = start; o < end;) {
    const listener = b.readUInt16LE(o);
    const port = b.readUInt16LE(o + 2);
    const len = b[o + 4];
    const address = b.toString('latin1', o + 5, o + 5 + len);
    o += 5 + len;
    const size = b.readUInt16LE(o);
    o += 2;
    each(listener, address, port, b.subarray(o, o + size));
    o += size;
  }
  return n;
}

/** Session keys longer than this are neither reported nor remembered (a sticky key is an id, not a document). */
export const MAX_SESSION_KEY = 512;

/** The S frame: session keys created by the application, in order. Keys are latin1, as request heads are read. */
export function encodeSessions(keys: readonly string[]): Buffer {
  let size = 0;
  for (const k of keys) size += 2 + k.length;
  const b = header(FRAME.sessions, size);
  let o = HEADER_BYTES;
  for (const k of keys) {
    o = b.writeUInt16LE(k.length, o);
    o += b.write(k, o, 'latin1');
  }
  return b;
}

/** Reads the S frame b[start, end) into `each`; false if it is malformed (what came before the fault was still read). */
export function decodeSessions(b: Buffer, start: number, end: number, each: (key: string) => void): boolean {
  let o = start;
  while (o < end) {
    if (end - o < 2) return false;
    const len = b.readUInt16LE(o);
    o += 2;
    if (end - o < len) return false;
    each(b.toString('latin1', o, o + len));
    o += len;
  }
  return true;
}
