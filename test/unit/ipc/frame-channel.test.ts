// The reader of frames and Node's JSON lines on one pipe, driven with a stand-in for Node's own
// JSON reader (which, like Node's, throws out of onread on a line that is not JSON and emits its
// messages on nextTick): whatever bytes arrive, in whatever chunks, nothing is thrown out of the
// channel, and each byte ends in a message, a frame, or the one report that the channel broke.
import assert from 'node:assert/strict';
import { StringDecoder } from 'node:string_decoder';
import { test } from 'node:test';
import fc from 'fast-check';
import { FrameChannel, MAX_LINE, type BrokenReason, type ReceivedHandle } from '../../../src/ipc/frame-channel.js';
import { FRAME, FRAME_MARK, HEADER_BYTES, MAX_PAYLOAD } from '../../../src/ipc/frames.js';
import type { RawPipe } from '../../../src/internals/channel-pipe.js';
import { streamInternals } from '../../../src/internals/stream-wrap.js';

const io = streamInternals();

type Seen = { message: unknown } | { frame: number; payload: string; handle: boolean };

interface Harness {
  seen: Seen[];
  broken: Array<[BrokenReason, string]>;
  /** Times Node's reader was called with bytes after the channel broke. */
  readAfterBreak: number;
  ended: boolean;
  channel: FrameChannel;
  feed(bytes: Buffer, handle?: ReceivedHandle): void;
  end(): void;
}

/** A channel on a stand-in pipe whose onread reads JSON lines as Node's does (lib/internal/child_process/serialization.js). */
function harness(): Harness {
  const h = { seen: [] as Seen[], broken: [] as Array<[BrokenReason, string]>, readAfterBreak: 0, ended: false } as Harness;
  let jsonBuffer = '';
  const decoder = new StringDecoder('utf8');
  const pipe: RawPipe = {
    pendingHandle: null,
    writeBuffer: () => 0,
    onread(this: RawPipe, ab: ArrayBuffer | undefined) {
      this.pendingHandle = null;
      if (ab === undefined) {
        h.ended = true;
        return;
      }
      if (h.broken.length > 0) h.readAfterBreak++;
      const lines = decoder.write(Buffer.from(ab, io.state[io.kArrayBufferOffset], io.state[io.kReadBytesOrError])).split('\n');
      const complete = lines.length - 1;
      if (complete === 0) {
        jsonBuffer += lines[0];
        return;
      }
      lines[0] = jsonBuffer + lines[0];
      // As Node's: a throw leaves jsonBuffer as it was, and the lines after the bad one unread.
      for (let i = 0; i < complete; i++) {
        const message: unknown = JSON.parse(lines[i]!);
        process.nextTick(() => h.seen.push({ message }));
      }
      jsonBuffer = lines[complete]!;
    },
  };
  const target = { [Symbol('kChannelHandle')]: pipe };
  h.channel = FrameChannel.open(target, (type, b, start, end, handle) => {
    h.seen.push({ frame: type, payload: b.toString('latin1', start, end), handle: handle !== undefined });
    handle?.close();
  }, (reason, why) => h.broken.push([reason, why]))!;
  h.feed = (bytes, handle) => {
    // At an offset in a larger buffer, as libuv's reads are.
    const ab = new ArrayBuffer(bytes.length + 3);
    Buffer.from(ab).set(bytes, 3);
    io.state[io.kArrayBufferOffset] = 3;
    io.state[io.kReadBytesOrError] = bytes.length;
    pipe.pendingHandle = handle ?? null;
    pipe.onread(ab);
  };
  h.end = () => {
    io.state[io.kReadBytesOrError] = -4095; // UV_EOF
    pipe.onread(undefined);
  };
  return h;
}

function frame(type: number, payload: string): Buffer {
  const b = Buffer.alloc(HEADER_BYTES + payload.length);
  b[0] = FRAME_MARK;
  b[1] = type;
  b.writeUInt32LE(payload.length, 2);
  b.write(payload, HEADER_BYTES, 'latin1');
  return b;
}

/** Splits `b` at the given cut points (any numbers: taken modulo the length). */
function chunks(b: Buffer, cuts: number[]): Buffer[] {
  const at = [...new Set(cuts.map((c) => (b.length === 0 ? 0 : c % b.length)))].filter((c) => c > 0).sort((x, y) => x - y);
  const out: Buffer[] = [];
  let from = 0;
  for (const c of at) {
    out.push(b.subarray(from, c));
    from = c;
  }
  out.push(b.subarray(from));
  return out.filter((c) => c.length > 0);
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
/** Each read is its own callback from libuv: the ticks it queued run before the next. */
const ticks = (): Promise<void> => new Promise((resolve) => process.nextTick(resolve));

/** A message or a frame, as written, and as it should be seen. */
const item = fc.oneof(
  fc.jsonValue().map((v) => ({ bytes: Buffer.from(`${JSON.stringify(v)}\n`), seen: { message: JSON.parse(JSON.stringify(v)) as unknown } as Seen })),
  fc.tuple(fc.constantFrom(FRAME.acks, FRAME.sessions, FRAME.accepted, 0x5a), fc.string({ maxLength: 40 }).map((s) => Buffer.from(s).toString('latin1')))
    .map(([type, payload]) => ({ bytes: frame(type, payload), seen: { frame: type, payload, handle: false } as Seen })),
);

test('messages and frames in any chunking arrive whole and in order, and nothing breaks', async () => {
  await fc.assert(fc.asyncProperty(fc.array(item, { maxLength: 20 }), fc.array(fc.nat(), { maxLength: 10 }), async (items, cuts) => {
    const h = harness();
    for (const c of chunks(Buffer.concat(items.map((i) => i.bytes)), cuts)) {
      h.feed(c);
      await ticks();
    }
    await turn();
    assert.deepEqual(h.seen, items.map((i) => i.seen));
    assert.deepEqual(h.broken, []);
  }), { numRuns: 300 });
});

test('a line that is not JSON breaks the channel once (not_json): what came before is read, later frames still are, later lines are not', async () => {
  const junk = fc.string({ minLength: 1, maxLength: 30 }).map((s) => `#${s.replace(/\n/g, ' ')}\n`);
  await fc.assert(fc.asyncProperty(fc.array(item, { maxLength: 8 }), junk, fc.array(item, { maxLength: 8 }), fc.array(fc.nat(), { maxLength: 10 }), async (before, bad, after, cuts) => {
    const h = harness();
    for (const c of chunks(Buffer.concat([...before.map((i) => i.bytes), Buffer.from(bad), ...after.map((i) => i.bytes)]), cuts)) {
      h.feed(c);
      await ticks();
    }
    await turn();
    const frames = after.map((i) => i.seen).filter((s) => 'frame' in s);
    assert.deepEqual(h.seen, [...before.map((i) => i.seen), ...frames]);
    assert.equal(h.broken.length, 1);
    assert.equal(h.broken[0]![0], 'not_json');
    assert.match(h.broken[0]![1], /^a line that is not JSON \(/);
    assert.equal(h.readAfterBreak, 0, "Node's reader is not called again");
    assert.equal(h.channel.corrupt, true);
    h.end();
    assert.equal(h.ended, true, "the end still reaches Node's reader, which closes the channel");
  }), { numRuns: 300 });
});

test('random bytes in random chunks, with descriptors: nothing thrown, at most one break, every descriptor delivered or closed once', async () => {
  const bytes = fc.uint8Array({ maxLength: 600 }).map((a) => Buffer.from(a));
  // Bias towards frame marks and newlines, so that frames and lines start and end often.
  const biased = fc.array(fc.oneof(fc.constant(FRAME_MARK), fc.constant(0x0a), fc.integer({ min: 0, max: 255 })), { maxLength: 600 }).map((a) => Buffer.from(a));
  await fc.assert(fc.asyncProperty(fc.oneof(bytes, biased), fc.array(fc.nat(), { maxLength: 12 }), fc.array(fc.boolean(), { maxLength: 13 }), async (b, cuts, withHandle) => {
    const h = harness();
    const closes: number[] = [];
    const parts = chunks(b, cuts);
    for (const [i, c] of parts.entries()) {
      const n = closes.push(0) - 1;
      assert.doesNotThrow(() => h.feed(c, withHandle[i] ? { close: () => { closes[n]!++; } } : undefined));
      await ticks();
    }
    await turn();
    assert.doesNotThrow(() => h.end());
    assert.ok(h.broken.length <= 1, `broken ${h.broken.length} times`);
    if (h.broken.length === 0) assert.equal(h.channel.corrupt, false);
    assert.equal(h.readAfterBreak, 0);
    for (const s of h.seen) assert.ok('message' in s || typeof s.frame === 'number');
    // A descriptor is closed by its frame's handler here, by the channel, or (on a Node line)
    // left to Node's reader, which this stand-in ignores: never closed twice.
    for (const n of closes) assert.ok(n <= 1, `a descriptor closed ${n} times`);
  }), { numRuns: 500 });
});

test('a line without a newline is cut at MAX_LINE bytes (line_too_long), and nothing after it is read', async () => {
  const h = harness();
  const piece = Buffer.alloc(64 * 1024, 0x20);
  let fed = 0;
  while (h.broken.length === 0 && fed <= MAX_LINE + piece.length) {
    h.feed(piece);
    fed += piece.length;
  }
  assert.deepEqual(h.broken.map(([r]) => r), ['line_too_long']);
  assert.ok(fed > MAX_LINE && fed <= MAX_LINE + piece.length, `broken after ${fed} bytes`);
  h.feed(Buffer.concat([Buffer.from('\n{"a":1}\n'), frame(FRAME.acks, 'x')]));
  await turn();
  assert.deepEqual(h.seen, []);
});

test('a frame claiming more than MAX_PAYLOAD bytes breaks the channel (frame_too_long); its descriptor is closed, nothing after is read', async () => {
  const h = harness();
  const head = Buffer.from([FRAME_MARK, FRAME.acks, 0, 0, 0, 0]);
  head.writeUInt32LE(MAX_PAYLOAD + 1, 2);
  let closed = 0;
  h.feed(Buffer.concat([Buffer.from('{"ok":1}\n'), head]), { close: () => { closed++; } });
  h.feed(Buffer.concat([Buffer.from('{"a":1}\n'), frame(FRAME.acks, 'x')]));
  await turn();
  assert.deepEqual(h.seen, [{ message: { ok: 1 } }]);
  assert.deepEqual(h.broken, [['frame_too_long', `a frame claims ${MAX_PAYLOAD + 1} bytes`]]);
  assert.equal(closed, 1);
});

test('broken() from outside (a forged Node handle message) is reported once; frames are still read, lines are not', async () => {
  const h = harness();
  h.channel.broken('node_handle', 'a NODE_HANDLE_ACK with no handle sent to it');
  h.channel.broken('node_handle', 'again');
  h.feed(Buffer.concat([Buffer.from('{"a":1}\n'), frame(FRAME.acks, 'x')]));
  await turn();
  assert.deepEqual(h.broken, [['node_handle', 'a NODE_HANDLE_ACK with no handle sent to it']]);
  assert.deepEqual(h.seen, [{ frame: FRAME.acks, payload: 'x', handle: false }]);
});
