import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FRAME, FRAME_MARK, HEADER_BYTES, ackCount, ackId, acksBegun, acksTaken, carriesHandle, datagramBytes, decodeAccepted, decodeConn, decodeDatagrams, decodeForward, decodeListen, decodeSessions, encodeAccepted, encodeAcks, encodeConn, encodeDatagrams, encodeForward, encodeListen, encodeSessions, type Datagram } from '../../../src/ipc/frames.js';

const payload = (b: Buffer): [Buffer, number, number] => {
  assert.equal(b[0], FRAME_MARK);
  assert.equal(b.readUInt32LE(2), b.length - HEADER_BYTES, 'the header states the payload length');
  return [b, HEADER_BYTES, b.length];
};

test('a C frame carries id, listener, send time, bytes, end of stream, the client, and whether it was rescued', () => {
  const id = 2 ** 29 * 2 ** 24 - 1; // the largest record id
  const b = encodeConn(id, 3, 1_700_000_000_123, Buffer.from('GET / HTTP/1.1\r\n'), true, '2001:db8::1', 443, 'IPv6');
  assert.equal(b[1], FRAME.conn);
  assert.deepEqual(decodeConn(...payload(b)), {
    id, listener: 3, sentAt: 1_700_000_000_123, eof: true, rescued: false,
    peer: { address: '2001:db8::1', port: 443, family: 'IPv6' }, data: Buffer.from('GET / HTTP/1.1\r\n'),
  });
  const plain = encodeConn(7, 0, 5, undefined, false);
  assert.equal(plain.length, HEADER_BYTES + 19, 'with no client and no bytes, 25 bytes');
  assert.deepEqual(decodeConn(...payload(plain)), { id: 7, listener: 0, sentAt: 5, eof: false, rescued: false, peer: undefined, data: undefined });
  const rescued = decodeConn(...payload(encodeConn(7, 0, 5, undefined, true, '127.0.0.1', 1, 'IPv4', true)))!;
  assert.deepEqual([rescued.rescued, rescued.eof, rescued.peer?.port], [true, true, 1], 'the rescued flag beside the others');
  const v4 = encodeConn(7, 0, 5, undefined, false, '127.0.0.1', 50123, 'IPv4');
  assert.equal(v4.length, HEADER_BYTES + 19 + 4 + 9, 'a usual hand-over: 38 bytes');
  assert.deepEqual(decodeConn(...payload(v4))!.peer, { address: '127.0.0.1', port: 50123, family: 'IPv4' });
  // No textual address is this long; if one were, the worker would ask its own socket.
  assert.equal(decodeConn(...payload(encodeConn(7, 0, 5, undefined, false, 'a'.repeat(256), 1, 'IPv6')))!.peer, undefined);
});

test('truncated C frames are malformed, not misread', () => {
  const b = encodeConn(7, 0, 5, undefined, false, '10.0.0.1', 80, 'IPv4');
  for (let end = HEADER_BYTES; end < b.length; end++) assert.equal(decodeConn(b, HEADER_BYTES, end), undefined, `cut at ${end}`);
});

test('an A frame lists taken ids, then begun ones, then closed ones, negative direct-mode numbers included', () => {
  const b = encodeAcks([1, 2 ** 52], [7], [-3, 16777217]);
  const [buf, start, end] = payload(b);
  assert.equal(acksTaken(buf, start, end), 2);
  assert.equal(acksBegun(buf, start), 1);
  assert.equal(ackCount(start, end), 5);
  assert.deepEqual([0, 1, 2, 3, 4].map((i) => ackId(buf, start, i)), [1, 2 ** 52, 7, -3, 16777217]);
  assert.equal(acksTaken(Buffer.from([9, 0, 0, 0, 0, 0, 0, 0]), 0, 8), -1, 'claims more taken ids than it has');
  assert.equal(acksTaken(Buffer.from([0, 0, 0, 0, 9, 0, 0, 0]), 0, 8), -1, 'claims more begun ids than it has');
  assert.equal(acksTaken(Buffer.from([0, 0, 0, 0, 0, 0, 0, 0, 1]), 0, 9), -1, 'a ragged id list');
  assert.equal(acksTaken(Buffer.from([0, 0, 0, 0]), 0, 4), -1, 'no begun count');
});

test('L and F frames; which types carry a descriptor', () => {
  assert.equal(decodeListen(...payload(encodeListen(65535))), 65535);
  assert.equal(decodeListen(Buffer.from([1]), 0, 1), -1);
  assert.deepEqual(decodeForward(...payload(encodeForward(2, Buffer.from('hi'), true))), { listener: 2, eof: true, data: Buffer.from('hi') });
  assert.equal(decodeForward(Buffer.from([1, 0]), 0, 2), undefined);
  assert.deepEqual([FRAME.conn, FRAME.listen, FRAME.forward, FRAME.acks, FRAME.accepted].map(carriesHandle), [true, true, true, false, false]);
});

test('a D frame lists direct-mode accepts; a cut one reports what is whole and says so', () => {
  const reports = [
    { seq: -1, listener: 0, address: '127.0.0.1', port: 50000 },
    { seq: -(2 ** 40), listener: 7, address: '::ffff:10.1.2.3', port: 1 },
    { seq: -3, listener: 1, address: '', port: 0 },
  ];
  const [b, start, end] = payload(encodeAccepted(reports));
  const got: unknown[] = [];
  assert.equal(decodeAccepted(b, start, end, (seq, listener, address, port) => got.push({ seq, listener, address, port })), true);
  assert.deepEqual(got, reports);
  const whole: number[] = [];
  assert.equal(decodeAccepted(b, start, end - 3, (seq) => whole.push(seq)), false);
  assert.deepEqual(whole, [-1, -(2 ** 40)]);
});

test('U and R frames carry datagrams whole: listener, client, bytes', () => {
  const list: Datagram[] = [
    { listener: 2, address: '2001:db8::1', port: 53, data: Buffer.from('query') },
    { listener: 0, address: '127.0.0.1', port: 65535, data: Buffer.alloc(0) },
    { listener: 1, address: 'fe80::1%eth0', port: 1, data: Buffer.alloc(65507, 7) },
  ];
  const size = list.reduce((n, d) => n + datagramBytes(d), 0);
  for (const type of [FRAME.datagrams, FRAME.replies]) {
    const b = encodeDatagrams(type, list, size);
    assert.equal(b[1], type);
    const got: Datagram[] = [];
    assert.equal(decodeDatagrams(...payload(b), (listener, address, port, data) => got.push({ listener, address, port, data: Buffer.from(data) })), 3);
    assert.deepEqual(got, list);
  }
  assert.deepEqual([FRAME.datagrams, FRAME.replies].map(carriesHandle), [false, false]);
});

test('a cut U or R frame delivers no datagram at all', () => {
  const list: Datagram[] = [
    { listener: 0, address: '10.0.0.1', port: 5353, data: Buffer.from('a') },
    { listener: 0, address: '10.0.0.2', port: 5354, data: Buffer.from('bc') },
  ];
  const b = encodeDatagrams(FRAME.replies, list, datagramBytes(list[0]) + datagramBytes(list[1]));
  for (let end = HEADER_BYTES + 1; end < b.length; end++) {
    let delivered = 0;
    const n = decodeDatagrams(b, HEADER_BYTES, end, () => { delivered++; });
    if (end === HEADER_BYTES + datagramBytes(list[0])) assert.equal(n, 1, 'a cut between datagrams is a shorter, valid frame');
    else assert.deepEqual([n, delivered], [-1, 0], `cut at ${end}`);
  }
});

test('an S frame carries session keys in order; a cut frame reads what came before the cut', () => {
  const keys = ['Y2k1aUxPbm9yaUFBQUFC', 's%3Aabc.def', 'x'.repeat(512)];
  const b = encodeSessions(keys);
  assert.equal(b[1], FRAME.sessions);
  assert.equal(carriesHandle(FRAME.sessions), false);
  const got: string[] = [];
  assert.equal(decodeSessions(...payload(b), (k) => got.push(k)), true);
  assert.deepEqual(got, keys);
  const cut: string[] = [];
  assert.equal(decodeSessions(b, HEADER_BYTES, HEADER_BYTES + 2 + keys[0]!.length + 3, (k) => cut.push(k)), false);
  assert.deepEqual(cut, [keys[0]]);
});
