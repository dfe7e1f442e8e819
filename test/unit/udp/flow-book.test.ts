// Flow bookkeeping over the connection table: open, touch order, expiry, eviction, purge,
// and records removed behind the book's back.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConnectionTable } from '../../../src/table/connection-table.js';
import { FlowBook } from '../../../src/udp/flow-book.js';

const T0 = 1_700_000_000_000;

function book(maxFlows = 100, listeners = 2): { table: ConnectionTable; flows: FlowBook } {
  const table = new ConnectionTable({ initialCapacity: 8 });
  return { table, flows: new FlowBook(table, listeners, maxFlows) };
}

describe('FlowBook', () => {
  it('opens a flow as an established udp record of its worker, found by client and listener', () => {
    const { table, flows } = book();
    const id = flows.open('192.0.2.1', 5000, 1, 3, 4242, T0);
    assert.deepEqual(table.get(id), {
      id, protocol: 'udp', clientAddress: '192.0.2.1', clientPort: 5000, listener: 1, worker: 3, pid: 4242,
      state: 'established', acceptedAt: T0, handedOverAt: T0, lastActiveAt: T0,
    });
    assert.equal(flows.find('192.0.2.1', 5000, 1), id);
    assert.equal(flows.find('::ffff:192.0.2.1', 5000, 1), id, 'a mapped address is the same client');
    assert.equal(flows.find('192.0.2.1', 5000, 0), -1, 'another listener is another flow');
    assert.equal(flows.find('192.0.2.1', 5001, 1), -1);
    assert.equal(table.lookup('tcp', '192.0.2.1', 5000, 1), -1);
    assert.equal(flows.workerOf(id), 3);
    assert.deepEqual([flows.size, flows.counts.active, flows.counts.created], [1, [0, 1], [0, 1]]);
  });

  const expiry: Array<{ name: string; touches: Array<[number, number]>; now: number; timeouts: [number, number]; expired: number[] }> = [
    { name: 'nothing idle long enough', touches: [], now: T0 + 100, timeouts: [100, 100], expired: [] },
    { name: 'all idle', touches: [], now: T0 + 101, timeouts: [100, 100], expired: [0, 1, 2, 3] },
    { name: 'touched flows survive', touches: [[0, T0 + 50], [2, T0 + 60]], now: T0 + 120, timeouts: [100, 100], expired: [1, 3] },
    { name: 'per-listener timeouts (flows 0,1 on listener 0; 2,3 on 1)', touches: [], now: T0 + 150, timeouts: [100, 1000], expired: [0, 1] },
    { name: 'a touch moves a flow to the back of its listener\'s list', touches: [[1, T0 + 10], [0, T0 + 30]], now: T0 + 125, timeouts: [100, 100], expired: [1, 2, 3] },
  ];
  for (const c of expiry) {
    it(`expire(): ${c.name}`, () => {
      const { flows } = book();
      const ids = [0, 1, 2, 3].map((i) => flows.open('198.51.100.1', 1000 + i, i < 2 ? 0 : 1, 1, 1, T0));
      for (const [i, at] of c.touches) flows.touch(ids[i], at);
      assert.equal(flows.expire(c.now, (l) => c.timeouts[l]), c.expired.length);
      assert.deepEqual(ids.map((id, i) => (flows.find('198.51.100.1', 1000 + i, i < 2 ? 0 : 1) === id ? -1 : i)).filter((i) => i >= 0), c.expired);
      assert.equal(flows.counts.expired[0] + flows.counts.expired[1], c.expired.length);
      assert.equal(flows.size, 4 - c.expired.length);
    });
  }

  it('at maxFlows a new flow evicts the longest idle, across listeners, counted on its listener', () => {
    const { flows } = book(3);
    const a = flows.open('192.0.2.1', 1, 0, 1, 1, T0);
    const b = flows.open('192.0.2.2', 1, 1, 1, 1, T0 + 1);
    const c = flows.open('192.0.2.3', 1, 0, 1, 1, T0 + 2);
    flows.touch(a, T0 + 3);
    const d = flows.open('192.0.2.4', 1, 0, 1, 1, T0 + 4);
    assert.equal(flows.size, 3);
    assert.deepEqual([a, b, c, d].map((id) => flows.workerOf(id) >= 0), [true, false, true, true]);
    assert.deepEqual(flows.counts.evicted, [0, 1]);
    flows.open('192.0.2.5', 1, 1, 1, 1, T0 + 5);
    assert.equal(flows.workerOf(c), -1, 'c is now the longest idle');
    assert.deepEqual(flows.counts.evicted, [1, 1]);
    assert.equal(flows.oldest(), a);
  });

  it('purgeWorker ends only that worker\'s UDP flows; TCP records of the worker stay', () => {
    const { table, flows } = book();
    const mine = [flows.open('192.0.2.1', 1, 0, 7, 70, T0), flows.open('192.0.2.2', 1, 1, 7, 70, T0)];
    const other = flows.open('192.0.2.3', 1, 0, 8, 80, T0);
    const tcp = table.add('tcp', '192.0.2.1', 1, 0, 0, T0);
    table.assign(tcp, 7, 70);
    assert.equal(flows.purgeWorker(7), 2);
    for (const id of mine) assert.equal(table.has(id), false);
    assert.deepEqual([table.has(other), table.has(tcp), flows.size], [true, true, 1]);
    assert.deepEqual(flows.counts.purged, [1, 1]);
    assert.equal(flows.purgeWorkerListener(8, 1), 0);
    assert.equal(flows.purgeWorkerListener(8, 0), 1);
  });

  it('records removed behind its back are skipped, and their slots can be reused safely', () => {
    const { table, flows } = book();
    const a = flows.open('192.0.2.1', 1, 0, 1, 1, T0);
    const b = flows.open('192.0.2.2', 1, 0, 1, 1, T0 + 1);
    table.remove(a);
    // The slot is reused by a TCP record, then by a new flow.
    const tcp = table.add('tcp', '203.0.113.1', 1, 0, 0, T0 + 2);
    assert.equal(table.slotOf(tcp), table.slotOf(a) === -1 ? table.slotOf(tcp) : -2);
    flows.touch(tcp, T0 + 3);
    assert.equal(flows.close(tcp, 'expired'), false, 'a TCP record is not a flow');
    assert.equal(flows.oldest(), b, 'the dead entry is unlinked when met');
    assert.equal(flows.size, 1);
    table.remove(tcp);
    const c = flows.open('192.0.2.3', 1, 0, 1, 1, T0 + 4);
    assert.equal(flows.size, 2);
    assert.equal(flows.expire(T0 + 1000, () => 10), 2);
    assert.deepEqual([table.has(b), table.has(c), flows.size, table.size], [false, false, 0, 0]);
  });

  it('grows with the table past its initial capacity, and stays consistent', () => {
    const { table, flows } = book(100000, 1);
    const ids: number[] = [];
    for (let i = 0; i < 5000; i++) ids.push(flows.open('10.0.0.1', i + 1, 0, 1, 1, T0 + i));
    assert.ok(table.capacity >= 5000);
    for (let i = 0; i < 5000; i += 2) flows.touch(ids[i], T0 + 10000 + i);
    assert.equal(flows.expire(T0 + 5100, () => 100), 2500, 'the untouched odd flows');
    assert.equal(flows.size, 2500);
    assert.equal(flows.expire(T0 + 15098, () => 100), 2499, 'touched even flows idle more than 100 ms: i < 4998');
    assert.equal(flows.expire(T0 + 30000, () => 100), 1);
    assert.equal(table.size, 0);
  });
});
