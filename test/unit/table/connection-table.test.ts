import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ConnectionTable, MAX_WORKER, SLOT_LIMIT } from '../../../src/table/connection-table.js';
import { State, type Protocol } from '../../../src/table/types.js';

/** Every method refuses an id that names no live record, without throwing. */
function assertUnknown(table: ConnectionTable, id: number): void {
  assert.equal(table.has(id), false);
  assert.equal(table.get(id), undefined);
  assert.equal(table.remove(id), false);
  assert.equal(table.assign(id, 2, 20), false);
  assert.equal(table.unassign(id), false);
  assert.equal(table.establish(id, T0), false);
  assert.equal(table.setState(id, State.Established), false);
  assert.equal(table.workerOf(id), -1);
  assert.equal(table.stateOf(id), -1);
  assert.equal(table.listenerOf(id), -1);
  assert.equal(table.slotOf(id), -1);
}

const T0 = 1_700_000_000_000;

/** A table with one queued TCP record per address, on listener 0, ports 40000 + i. */
function tableWith(addresses: readonly string[], capacity = 8): { table: ConnectionTable; ids: number[] } {
  const table = new ConnectionTable({ initialCapacity: capacity });
  const ids = addresses.map((a, i) => table.add('tcp', a, 40000 + i, 0, State.Queued, T0 + i));
  return { table, ids };
}

describe('ConnectionTable: records', () => {
  it('round-trips every field through add, assign, establish, get and remove', () => {
    const table = new ConnectionTable();
    const id = table.add('tcp', '192.0.2.10', 40001, 2, State.Queued, T0);
    assert.deepEqual(table.get(id), {
      id,
      protocol: 'tcp',
      clientAddress: '192.0.2.10',
      clientPort: 40001,
      listener: 2,
      worker: -1,
      pid: 0,
      state: 'queued',
      acceptedAt: T0,
      handedOverAt: 0,
      lastActiveAt: T0,
    });
    assert.equal(table.assign(id, 3, 4242, T0 + 5), true);
    assert.equal(table.stateOf(id), State.HandingOver);
    assert.equal(table.establish(id, T0 + 9), true);
    assert.deepEqual(table.get(id), {
      id,
      protocol: 'tcp',
      clientAddress: '192.0.2.10',
      clientPort: 40001,
      listener: 2,
      worker: 3,
      pid: 4242,
      state: 'established',
      acceptedAt: T0,
      handedOverAt: T0 + 9,
      lastActiveAt: T0,
    });
    assert.equal(table.workerOf(id), 3);
    assert.equal(table.listenerOf(id), 2);
    assert.equal(table.size, 1);
    assert.equal(table.remove(id), true);
    assert.equal(table.get(id), undefined);
    assert.equal(table.remove(id), false);
    assert.equal(table.size, 0);
  });

  it('gives back the client address exactly as given, for every address form', () => {
    const cases: [Protocol, string][] = [
      ['tcp', '0.0.0.0'],
      ['tcp', '255.255.255.255'],
      ['udp', '::ffff:198.51.100.7'],
      ['udp', '2001:db8::17'],
      ['tcp', '::1'],
      ['tcp', 'fe80::1%eth0'],
      ['tcp', '010.0.0.1'], // not canonical: kept as text
      ['tcp', ''],
    ];
    const table = new ConnectionTable();
    for (const [protocol, address] of cases) {
      const record = table.get(table.add(protocol, address, 1, 0, State.Queued, T0));
      assert.equal(record?.clientAddress, address);
      assert.equal(record?.protocol, protocol);
    }
  });

  it('keeps a record whose client address is already gone (undefined) under the address \'\', outside the tuple index', () => {
    const table = new ConnectionTable();
    const id = table.add('tcp', undefined as unknown as string, 1, 0, State.Queued, T0);
    assert.equal(table.get(id)?.clientAddress, '');
    assert.equal(table.clientKnown(id), false);
    assert.equal(table.lookup('tcp', '', 1, 0), -1);
    assert.deepEqual(table.list({ clientAddress: '' }).map((r) => r.id), [id]);
  });

  it('learns a client later with setClient: unknown records stay out of the index until then', () => {
    const table = new ConnectionTable({ initialCapacity: 8 });
    // Many records without a client (direct mode reports them so) must not share one chain.
    const ids = Array.from({ length: 20 }, () => table.add('tcp', '', 0, 0, State.Established, T0));
    assert.ok(ids.every((id) => !table.clientKnown(id)));
    assert.equal(table.setClient(ids[7], '192.0.2.9', 4242), true);
    assert.equal(table.clientKnown(ids[7]), true);
    assert.equal(table.lookup('tcp', '192.0.2.9', 4242, 0), ids[7]);
    assert.equal(table.get(ids[7])?.clientAddress, '192.0.2.9');
    for (const id of ids) if (id !== ids[7]) assert.equal(table.remove(id), true);
    // Growing and removing never touched the index for the others: the known one is still found.
    assert.equal(table.lookup('tcp', '192.0.2.9', 4242, 0), ids[7]);
    assert.equal(table.remove(ids[7]), true);
    assert.equal(table.lookup('tcp', '192.0.2.9', 4242, 0), -1);
    assert.equal(table.size, 0);
    // Back to unknown: setClient with '' takes the record out of the index again.
    const id = table.add('tcp', '198.51.100.1', 80, 0, State.Established, T0);
    assert.equal(table.setClient(id, '', 0), true);
    assert.equal(table.lookup('tcp', '198.51.100.1', 80, 0), -1);
    assert.equal(table.clientKnown(id), false);
    assert.equal(table.remove(id), true);
  });

  it('makes ids of generation * 2**24 + slot, never 0', () => {
    const table = new ConnectionTable();
    const id = table.add('tcp', '192.0.2.1', 1, 0, State.Queued, T0);
    assert.equal(id % SLOT_LIMIT, table.slotOf(id));
    assert.ok(id >= SLOT_LIMIT);
    assert.ok(Number.isSafeInteger(id));
  });

  it('rejects a stale id once the slot is reused', () => {
    const table = new ConnectionTable();
    const old = table.add('tcp', '192.0.2.1', 1000, 0, State.Queued, T0);
    table.assign(old, 1, 100);
    table.remove(old);
    const fresh = table.add('tcp', '192.0.2.2', 2000, 0, State.Queued, T0);
    assert.equal(table.slotOf(fresh), old % SLOT_LIMIT, 'the freed slot is reused');
    assert.notEqual(fresh, old);
    assertUnknown(table, old);
    assert.equal(table.get(fresh)?.clientAddress, '192.0.2.2');
    assert.equal(table.stateOf(fresh), State.Queued);
    assert.equal(table.activeCount(1), 0);
    assert.equal(table.activeCount(2), 0);
  });

  it('keeps every record, and its index entry, when it grows past its capacity', () => {
    const table = new ConnectionTable({ initialCapacity: 8 });
    assert.equal(table.capacity, 8);
    const ids: number[] = [];
    for (let i = 0; i < 3000; i++) {
      const address = i % 3 === 0 ? `2001:db8::${i.toString(16)}` : `10.0.${i >> 8}.${i & 255}`;
      ids.push(table.add(i % 2 ? 'udp' : 'tcp', address, i, i % 5, State.Queued, T0 + i));
      if (i % 4 === 0) table.assign(ids[i]!, i % 7, 1000 + i);
    }
    assert.equal(table.size, 3000);
    assert.equal(table.capacity, 4096);
    for (let i = 0; i < 3000; i++) {
      const record = table.get(ids[i]!);
      assert.ok(record);
      assert.equal(record.clientPort, i);
      assert.equal(record.acceptedAt, T0 + i);
      assert.equal(table.lookup(record.protocol, record.clientAddress, i, i % 5), ids[i]);
      assert.equal(record.worker, i % 4 === 0 ? i % 7 : -1);
    }
    let total = 0;
    for (let w = 0; w < 7; w++) total += table.activeCount(w);
    assert.equal(total, 750);
  });

  it('throws on an out-of-range port, listener or state (the master\'s own bug, not remote input)', () => {
    const table = new ConnectionTable();
    assert.throws(() => table.add('tcp', '192.0.2.1', 65536, 0, State.Queued, T0), RangeError);
    assert.throws(() => table.add('tcp', '192.0.2.1', -1, 0, State.Queued, T0), RangeError);
    assert.throws(() => table.add('tcp', '192.0.2.1', 1.5, 0, State.Queued, T0), RangeError);
    assert.throws(() => table.add('tcp', '192.0.2.1', 1, 70000, State.Queued, T0), RangeError);
    assert.throws(() => table.add('tcp', '192.0.2.1', 1, 0, 9 as State, T0), RangeError);
    assert.equal(table.size, 0);
  });
});

describe('ConnectionTable: bad ids', () => {
  const table = new ConnectionTable();
  const live = table.add('tcp', '192.0.2.1', 1, 0, State.Queued, T0);
  table.assign(live, 1, 10);
  const bad: unknown[] = [
    NaN,
    -1,
    -0,
    0,
    0.5,
    live + 0.5,
    live - SLOT_LIMIT, // same slot, older generation
    live + SLOT_LIMIT, // same slot, future generation
    live + 1, // a slot never used
    SLOT_LIMIT - 1,
    Infinity,
    -Infinity,
    2 ** 53,
    Number.MAX_SAFE_INTEGER,
    2 ** 60,
    String(live),
    null,
    undefined,
    {},
    [live],
  ];
  for (const value of bad) {
    it(`answers false, -1 or undefined for ${typeof value === 'number' ? String(value) : JSON.stringify(value)}`, () => {
      assertUnknown(table, value as number);
      assert.equal(table.size, 1);
      assert.equal(table.activeCount(1), 1);
      assert.equal(table.stateOf(live), State.HandingOver);
    });
  }

  it('refuses bad worker ids and states', () => {
    for (const worker of [-1, 1.5, NaN, MAX_WORKER + 1, Infinity]) {
      assert.equal(table.assign(live, worker, 1), false);
      assert.equal(table.activeCount(worker), 0);
      assert.deepEqual(table.purgeWorker(worker), []);
      assert.equal(table.reconcile(worker, []), 0);
    }
    assert.equal(table.setState(live, 7 as State), false);
    assert.equal(table.setState(live, -1 as State), false);
    assert.equal(table.workerOf(live), 1);
  });
});

describe('ConnectionTable: workers', () => {
  it('counts active records through assign, reassign, unassign, setState, remove and purge', () => {
    const { table, ids } = tableWith(['192.0.2.1', '192.0.2.2', '192.0.2.3', '192.0.2.4']);
    const [a, b, c, d] = ids as [number, number, number, number];
    const counts = () => [0, 1, 2].map((w) => table.activeCount(w));
    assert.deepEqual(counts(), [0, 0, 0]);
    table.assign(a, 1, 11);
    table.assign(b, 1, 11);
    table.assign(c, 2, 12);
    assert.deepEqual(counts(), [0, 2, 1]);
    table.assign(b, 2, 12); // re-dispatch to another worker moves the count
    assert.deepEqual(counts(), [0, 1, 2]);
    table.assign(b, 2, 12); // same worker again: no double count
    assert.deepEqual(counts(), [0, 1, 2]);
    table.establish(a, T0);
    assert.deepEqual(counts(), [0, 1, 2]);
    table.unassign(c);
    assert.deepEqual(counts(), [0, 1, 1]);
    assert.equal(table.workerOf(c), -1);
    assert.equal(table.get(c)?.pid, 0);
    table.assign(d, 0, 10);
    table.setState(d, State.Queued); // queued means no worker
    assert.deepEqual(counts(), [0, 1, 1]);
    assert.equal(table.workerOf(d), -1);
    table.remove(a);
    assert.deepEqual(counts(), [0, 0, 1]);
    table.purgeWorker(2);
    assert.deepEqual(counts(), [0, 0, 0]);
    assert.equal(table.activeCount(5000), 0, 'a worker never seen');
  });

  it('purgeWorker removes exactly that worker\'s records and returns their ids', () => {
    const { table, ids } = tableWith(Array.from({ length: 40 }, (_, i) => `198.51.100.${i}`));
    ids.forEach((id, i) => {
      if (i % 4 !== 3) table.assign(id, i % 4, 1000 + (i % 4));
    });
    const purged = table.purgeWorker(1);
    assert.deepEqual([...purged].sort((x, y) => x - y), ids.filter((_, i) => i % 4 === 1).sort((x, y) => x - y));
    assert.equal(table.size, 30);
    for (const id of purged) assert.equal(table.has(id), false);
    ids.forEach((id, i) => assert.equal(table.has(id), i % 4 !== 1));
    assert.equal(table.activeCount(0), 10);
    assert.equal(table.activeCount(1), 0);
    assert.equal(table.activeCount(2), 10);
    assert.deepEqual(table.purgeWorker(1), []);
    assert.deepEqual(table.purgeWorker(9), []);
  });

  it('forEachOfWorker visits the worker\'s records, newest first, and tolerates removing the current one', () => {
    const { table, ids } = tableWith(['192.0.2.1', '192.0.2.2', '192.0.2.3']);
    for (const id of ids) table.assign(id, 4, 44);
    table.assign(ids[1]!, 5, 55);
    const seen: number[] = [];
    table.forEachOfWorker(4, (id) => {
      seen.push(id);
      table.remove(id);
    });
    assert.deepEqual(seen, [ids[2], ids[0]]);
    assert.equal(table.activeCount(4), 0);
    assert.equal(table.size, 1);
  });
});

describe('ConnectionTable: lookup by 4-tuple', () => {
  it('finds IPv4, IPv6 and IPv4-mapped records, treating mapped and plain IPv4 as one address', () => {
    const table = new ConnectionTable();
    const v4 = table.add('tcp', '203.0.113.9', 50000, 1, State.Queued, T0);
    const v6 = table.add('tcp', '2001:db8::9', 50000, 1, State.Queued, T0);
    const mapped = table.add('tcp', '::ffff:203.0.113.10', 50001, 1, State.Queued, T0);
    assert.equal(table.lookup('tcp', '203.0.113.9', 50000, 1), v4);
    assert.equal(table.lookup('tcp', '::ffff:203.0.113.9', 50000, 1), v4);
    assert.equal(table.lookup('tcp', '2001:db8::9', 50000, 1), v6);
    assert.equal(table.lookup('tcp', '::ffff:203.0.113.10', 50001, 1), mapped);
    assert.equal(table.lookup('tcp', '203.0.113.10', 50001, 1), mapped);
  });

  const misses: [string, Protocol, string, number, number][] = [
    ['another port', 'tcp', '203.0.113.9', 50001, 1],
    ['another listener', 'tcp', '203.0.113.9', 50000, 2],
    ['another protocol', 'udp', '203.0.113.9', 50000, 1],
    ['another address', 'tcp', '203.0.113.8', 50000, 1],
    ['a non-canonical form', 'tcp', '203.0.113.09', 50000, 1],
    ['an IPv6 neighbour', 'tcp', '2001:db8::8', 50000, 1],
    ['a port out of range', 'tcp', '203.0.113.9', 50000 + 65536, 1],
    ['an unknown protocol', 'sctp' as Protocol, '203.0.113.9', 50000, 1],
  ];
  for (const [name, protocol, address, port, listener] of misses) {
    it(`misses on ${name}`, () => {
      const table = new ConnectionTable();
      table.add('tcp', '203.0.113.9', 50000, 1, State.Queued, T0);
      table.add('tcp', '2001:db8::9', 50000, 1, State.Queued, T0);
      assert.equal(table.lookup(protocol, address, port, listener), -1);
    });
  }

  it('misses after remove, for every address form', () => {
    const table = new ConnectionTable();
    for (const address of ['203.0.113.9', '2001:db8::9', '::ffff:203.0.113.10']) {
      const id = table.add('udp', address, 53, 0, State.Queued, T0);
      table.remove(id);
      assert.equal(table.lookup('udp', address, 53, 0), -1);
    }
  });

  it('keeps TCP and UDP records of the same tuple apart', () => {
    const table = new ConnectionTable();
    const tcp = table.add('tcp', '203.0.113.9', 53, 0, State.Queued, T0);
    const udp = table.add('udp', '203.0.113.9', 53, 0, State.Queued, T0);
    assert.equal(table.lookup('tcp', '203.0.113.9', 53, 0), tcp);
    assert.equal(table.lookup('udp', '203.0.113.9', 53, 0), udp);
  });

  it('lets the newest record of a repeated tuple win, and removing one never unindexes the other', () => {
    const table = new ConnectionTable({ initialCapacity: 8 });
    const older = table.add('tcp', '203.0.113.9', 50000, 0, State.Established, T0);
    const newer = table.add('tcp', '203.0.113.9', 50000, 0, State.Queued, T0 + 1);
    assert.equal(table.lookup('tcp', '203.0.113.9', 50000, 0), newer);
    for (let i = 0; i < 100; i++) table.add('tcp', '10.0.0.1', i, 0, State.Queued, T0); // grow and rehash
    assert.equal(table.lookup('tcp', '203.0.113.9', 50000, 0), newer);
    table.remove(older);
    assert.equal(table.lookup('tcp', '203.0.113.9', 50000, 0), newer);
    const third = table.add('tcp', '203.0.113.9', 50000, 0, State.Queued, T0 + 2);
    table.remove(third);
    assert.equal(table.lookup('tcp', '203.0.113.9', 50000, 0), newer);
  });

  it('keeps the newest first for every repeated tuple across regrowth', () => {
    const table = new ConnectionTable({ initialCapacity: 8 });
    const newer: number[] = [];
    for (let i = 0; i < 200; i++) {
      table.add('udp', `198.51.100.${i}`, 9, 0, State.Queued, T0);
      newer.push(table.add('udp', `198.51.100.${i}`, 9, 0, State.Queued, T0 + 1));
    }
    for (let i = 0; i < 200; i++) assert.equal(table.lookup('udp', `198.51.100.${i}`, 9, 0), newer[i]);
  });
});

describe('ConnectionTable: list', () => {
  const table = new ConnectionTable();
  const a = table.add('tcp', '192.0.2.1', 1001, 0, State.Queued, T0);
  const b = table.add('tcp', '::ffff:192.0.2.1', 1002, 1, State.Queued, T0);
  const c = table.add('udp', '2001:db8::1', 1003, 1, State.Queued, T0);
  const d = table.add('tcp', '192.0.2.2', 1004, 0, State.Queued, T0);
  table.assign(b, 1, 11);
  table.assign(c, 2, 12);
  table.establish(c, T0 + 1);
  table.assign(d, 1, 11);
  table.establish(d, T0 + 1);

  const cases: { filter: Parameters<ConnectionTable['list']>[0]; limit?: number; expected: number[] }[] = [
    { filter: undefined, expected: [a, b, c, d] },
    { filter: {}, limit: 2, expected: [a, b] },
    { filter: {}, limit: 0, expected: [] },
    { filter: { worker: 1 }, expected: [b, d] },
    { filter: { worker: -1 }, expected: [a] },
    { filter: { worker: 7 }, expected: [] },
    { filter: { state: 'queued' }, expected: [a] },
    { filter: { state: 'handing-over' }, expected: [b] },
    { filter: { state: 'established' }, expected: [c, d] },
    { filter: { state: 'closing' }, expected: [] },
    { filter: { state: 'nonsense' }, expected: [] },
    { filter: { clientAddress: '192.0.2.1' }, expected: [a, b] },
    { filter: { clientAddress: '::ffff:192.0.2.1' }, expected: [a, b] },
    { filter: { clientAddress: '2001:db8::1' }, expected: [c] },
    { filter: { clientAddress: '192.0.2.99' }, expected: [] },
    { filter: { listener: 1 }, expected: [b, c] },
    { filter: { protocol: 'udp' }, expected: [c] },
    { filter: { protocol: 'tcp' }, expected: [a, b, d] },
    { filter: { protocol: 'tcp', worker: 1, listener: 0 }, expected: [d] },
    { filter: { worker: 1 }, limit: 1, expected: [b] },
  ];
  for (const { filter, limit, expected } of cases) {
    it(`${JSON.stringify(filter)} limit ${limit ?? 'none'}`, () => {
      assert.deepEqual(table.list(filter, limit).map((r) => r.id), expected);
    });
  }

  it('returns copies', () => {
    const [record] = table.list({ worker: 2 });
    assert.deepEqual(record, table.get(c));
    assert.notEqual(record, table.get(c));
  });
});

describe('ConnectionTable: sweep', () => {
  it('removes only stale queued and handing-over records, reporting each before removal', () => {
    const table = new ConnectionTable();
    const now = T0 + 60_000;
    const options = { queuedMaxAgeMs: 10_000, handingOverMaxAgeMs: 5_000 };
    const oldQueued = table.add('tcp', '192.0.2.1', 1, 0, State.Queued, now - 10_001);
    const youngQueued = table.add('tcp', '192.0.2.2', 2, 0, State.Queued, now - 10_000);
    const oldHanding = table.add('tcp', '192.0.2.3', 3, 0, State.Queued, now - 7_000);
    table.assign(oldHanding, 1, 11, now - 5_001);
    // Queued a long time, assigned just now: its hand-over is not stale.
    const youngHanding = table.add('tcp', '192.0.2.4', 4, 0, State.Queued, now - 50_000);
    table.assign(youngHanding, 1, 11, now - 100);
    const oldEstablished = table.add('tcp', '192.0.2.5', 5, 0, State.Queued, now - 50_000);
    table.assign(oldEstablished, 2, 12, now - 50_000);
    table.establish(oldEstablished, now - 49_000);
    const oldEstablishedUnassigned = table.add('tcp', '192.0.2.6', 6, 0, State.Established, now - 50_000);

    const reported: number[] = [];
    const removed = table.sweep(now, options, (id) => {
      assert.equal(table.has(id), true, 'reported before removal');
      reported.push(id);
    });
    assert.equal(removed, 2);
    assert.deepEqual(reported, [oldQueued, oldHanding]);
    assert.equal(table.has(oldQueued), false);
    assert.equal(table.has(oldHanding), false);
    for (const id of [youngQueued, youngHanding, oldEstablished, oldEstablishedUnassigned]) assert.equal(table.has(id), true);
    assert.equal(table.activeCount(1), 1);
    assert.equal(table.sweep(now, options), 0);
  });

  it('copes with a callback that removes the record itself', () => {
    const table = new ConnectionTable();
    const id = table.add('tcp', '192.0.2.1', 1, 0, State.Queued, T0);
    const keep = table.add('tcp', '192.0.2.2', 2, 0, State.Established, T0);
    assert.equal(table.sweep(T0 + 1000, { queuedMaxAgeMs: 10, handingOverMaxAgeMs: 10 }, (stale) => table.remove(stale)), 1);
    assert.equal(table.has(id), false);
    assert.equal(table.has(keep), true);
    assert.equal(table.size, 1);
  });
});

describe('ConnectionTable: reconcile', () => {
  it('removes the worker\'s established records it no longer holds, and keeps the rest', () => {
    const { table, ids } = tableWith(['192.0.2.1', '192.0.2.2', '192.0.2.3', '192.0.2.4', '192.0.2.5', '192.0.2.6']);
    const [held, lost, alsoLost, handing, otherWorker, queued] = ids as [number, number, number, number, number, number];
    for (const id of [held, lost, alsoLost, handing]) table.assign(id, 1, 11);
    table.establish(held, T0);
    table.establish(lost, T0);
    table.establish(alsoLost, T0);
    table.assign(otherWorker, 2, 12);
    table.establish(otherWorker, T0);
    assert.equal(table.reconcile(1, [held, otherWorker, 12345]), 2);
    assert.equal(table.has(lost), false);
    assert.equal(table.has(alsoLost), false);
    for (const id of [held, handing, otherWorker, queued]) assert.equal(table.has(id), true);
    assert.equal(table.activeCount(1), 2);
    assert.equal(table.reconcile(1, new Set([held])), 0);
  });

  it('removes nothing when the list is missing', () => {
    const { table, ids } = tableWith(['192.0.2.1']);
    table.assign(ids[0]!, 1, 11);
    table.establish(ids[0]!, T0);
    assert.equal(table.reconcile(1, undefined as unknown as number[]), 0);
    assert.equal(table.reconcile(1, 5 as unknown as number[]), 0);
    assert.equal(table.has(ids[0]!), true);
  });
});

describe('ConnectionTable: against a model', () => {
  const ADDRESSES = ['10.0.0.1', '::ffff:10.0.0.1', '10.0.0.2', '2001:db8::1', '2001:db8::2'];
  const tuple = fc.record({
    protocol: fc.constantFrom<Protocol>('tcp', 'udp'),
    address: fc.constantFrom(...ADDRESSES),
    port: fc.constantFrom(1, 2),
    listener: fc.constantFrom(0, 1),
  });
  type Tuple = { protocol: Protocol; address: string; port: number; listener: number };
  const command = fc.oneof(
    { arbitrary: fc.record({ op: fc.constant('add' as const), tuple, at: fc.nat(1000) }), weight: 4 },
    { arbitrary: fc.record({ op: fc.constant('remove' as const), pick: fc.nat() }), weight: 2 },
    { arbitrary: fc.record({ op: fc.constant('assign' as const), pick: fc.nat(), worker: fc.nat(3) }), weight: 3 },
    { arbitrary: fc.record({ op: fc.constant('unassign' as const), pick: fc.nat() }), weight: 1 },
    { arbitrary: fc.record({ op: fc.constant('establish' as const), pick: fc.nat() }), weight: 1 },
    { arbitrary: fc.record({ op: fc.constant('setState' as const), pick: fc.nat(), state: fc.constantFrom(State.Queued, State.HandingOver, State.Established) }), weight: 1 },
    { arbitrary: fc.record({ op: fc.constant('purge' as const), worker: fc.nat(3) }), weight: 1 },
  );
  const keyOf = (t: Tuple) => `${t.protocol} ${t.address.replace(/^::ffff:/, '')} ${t.port} ${t.listener}`;
  type Model = Map<number, { key: string; worker: number; state: State; order: number; tuple: Tuple; acceptedAt: number }>;

  /** Counts by listener and state, by protocol, and the oldest accept: as the model's records add up. */
  function checkCounts(table: ConnectionTable, model: Model): void {
    const records = [...model.values()];
    for (const listener of [0, 1, 2]) {
      for (const state of [State.Queued, State.HandingOver, State.Established]) {
        assert.equal(table.countIn(listener, state), records.filter((r) => r.tuple.listener === listener && r.state === state).length);
      }
    }
    assert.equal(table.udpCount, records.filter((r) => r.tuple.protocol === 'udp').length);
    assert.equal(table.oldestAcceptedAt(), records.length === 0 ? -1 : Math.min(...records.map((r) => r.acceptedAt)));
  }

  /** The newest live record of each tuple is the one lookup finds. */
  function checkLookups(table: ConnectionTable, model: Model): void {
    const newest = new Map<string, { id: number; order: number }>();
    for (const [id, r] of model) if ((newest.get(r.key)?.order ?? -1) < r.order) newest.set(r.key, { id, order: r.order });
    for (const protocol of ['tcp', 'udp'] as const) {
      for (const address of ADDRESSES) {
        for (const port of [1, 2]) {
          for (const listener of [0, 1]) {
            const expected = newest.get(keyOf({ protocol, address, port, listener }))?.id ?? -1;
            assert.equal(table.lookup(protocol, address, port, listener), expected);
          }
        }
      }
    }
  }

  it('agrees with a Map on has, size, counts (by worker, listener and state, protocol), states, the oldest and lookups', () => {
    fc.assert(
      fc.property(fc.array(command, { maxLength: 200 }), (commands) => {
        const table = new ConnectionTable({ initialCapacity: 8 });
        const model: Model = new Map();
        const everIssued: number[] = [];
        let order = 0;
        for (const c of commands) {
          // Picks range over every id ever issued, so stale ids are exercised too.
          const id = 'pick' in c && everIssued.length > 0 ? everIssued[c.pick % everIssued.length]! : -1;
          const known = model.get(id);
          switch (c.op) {
            case 'add': {
              const t = c.tuple;
              const added = table.add(t.protocol, t.address, t.port, t.listener, State.Queued, T0 + c.at);
              assert.ok(!model.has(added) && !everIssued.includes(added), 'ids are never reused');
              model.set(added, { key: keyOf(t), worker: -1, state: State.Queued, order: order++, tuple: t, acceptedAt: T0 + c.at });
              everIssued.push(added);
              break;
            }
            case 'remove':
              assert.equal(table.remove(id), model.delete(id));
              break;
            case 'assign':
              assert.equal(table.assign(id, c.worker, 100 + c.worker), known !== undefined);
              if (known) Object.assign(known, { worker: c.worker, state: State.HandingOver });
              break;
            case 'unassign':
              assert.equal(table.unassign(id), known !== undefined);
              if (known) Object.assign(known, { worker: -1, state: State.Queued });
              break;
            case 'establish':
              assert.equal(table.establish(id, T0), known !== undefined);
              if (known) known.state = State.Established;
              break;
            case 'setState':
              assert.equal(table.setState(id, c.state), known !== undefined);
              if (known) Object.assign(known, c.state === State.Queued ? { worker: -1, state: c.state } : { state: c.state });
              break;
            case 'purge': {
              const expected = [...model].filter(([, r]) => r.worker === c.worker).map(([i]) => i);
              assert.deepEqual(table.purgeWorker(c.worker).sort(), expected.sort());
              for (const i of expected) model.delete(i);
              break;
            }
          }
          assert.equal(table.size, model.size);
          for (let w = 0; w <= 3; w++) {
            assert.equal(table.activeCount(w), [...model.values()].filter((r) => r.worker === w).length);
          }
          for (const i of everIssued) {
            const r = model.get(i);
            assert.equal(table.has(i), r !== undefined);
            assert.equal(table.stateOf(i), r ? r.state : -1);
            assert.equal(table.workerOf(i), r ? r.worker : -1);
          }
          checkLookups(table, model);
          checkCounts(table, model);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('ConnectionTable: rekeyWorker', () => {
  it('moves every record of one worker to another key, keeping state, pid and counts right', () => {
    const table = new ConnectionTable();
    const a = table.add('tcp', '192.0.2.1', 1, 0, State.Queued, T0);
    const b = table.add('tcp', '192.0.2.2', 2, 0, State.Queued, T0);
    const c = table.add('tcp', '192.0.2.3', 3, 0, State.Queued, T0);
    table.assign(a, 1, 100, T0);
    table.establish(a, T0 + 1);
    table.assign(b, 1, 100, T0);
    table.assign(c, 2, 200, T0);
    assert.equal(table.rekeyWorker(1, 60001), 2);
    assert.equal(table.activeCount(1), 0);
    assert.equal(table.activeCount(60001), 2);
    assert.equal(table.activeCount(2), 1);
    assert.deepEqual([table.get(a)?.state, table.get(a)?.pid, table.get(a)?.handedOverAt], ['established', 100, T0 + 1]);
    assert.equal(table.stateOf(b), State.HandingOver);
    assert.deepEqual(table.purgeWorker(60001).sort(), [a, b].sort());
    assert.equal(table.size, 1);
    assert.equal(table.rekeyWorker(1, 1), 0);
    assert.equal(table.rekeyWorker(-1, 3), 0);
  });
});

describe('ConnectionTable: setClient', () => {
  it('replaces the client address and port and keeps lookups right, IPv4 and IPv6', () => {
    const table = new ConnectionTable();
    const id = table.add('tcp', '10.0.0.1', 5000, 0, State.Queued, T0);
    assert.equal(table.setClient(id, '203.0.113.9', 61000), true);
    assert.equal(table.lookup('tcp', '10.0.0.1', 5000, 0), -1);
    assert.equal(table.lookup('tcp', '203.0.113.9', 61000, 0), id);
    assert.deepEqual([table.get(id)?.clientAddress, table.get(id)?.clientPort], ['203.0.113.9', 61000]);
    assert.equal(table.setClient(id, '2001:db8::7', 443), true);
    assert.equal(table.lookup('tcp', '203.0.113.9', 61000, 0), -1);
    assert.equal(table.lookup('tcp', '2001:db8::7', 443, 0), id);
    assert.equal(table.get(id)?.clientAddress, '2001:db8::7');
    assert.equal(table.setClient(id, '192.0.2.1', 70000), false);
    table.remove(id);
    assert.equal(table.setClient(id, '192.0.2.1', 1), false);
  });
});

describe('ConnectionTable: UDP flows', () => {
  it('touch() moves lastActiveAt and nothing else; stale ids answer false and -1', () => {
    const table = new ConnectionTable();
    const id = table.add('udp', '192.0.2.1', 5000, 0, State.Established, T0);
    assert.equal(table.lastActiveOf(id), T0);
    assert.equal(table.touch(id, T0 + 250), true);
    assert.equal(table.lastActiveOf(id), T0 + 250);
    assert.deepEqual([table.get(id)?.acceptedAt, table.get(id)?.lastActiveAt, table.protocolOf(id)], [T0, T0 + 250, 'udp']);
    table.remove(id);
    assert.equal(table.touch(id, T0 + 500), false);
    assert.equal(table.lastActiveOf(id), -1);
    assert.equal(table.protocolOf(id), undefined);
    assert.equal(table.touch(Number.NaN, T0), false);
  });

  it('reconcile() leaves a worker\'s UDP flows alone: the worker never holds them', () => {
    const table = new ConnectionTable();
    const tcp = table.add('tcp', '192.0.2.1', 1, 0, State.Queued, T0);
    const udp = table.add('udp', '192.0.2.1', 1, 1, State.Queued, T0);
    for (const id of [tcp, udp]) {
      table.assign(id, 1, 11);
      table.establish(id, T0);
    }
    assert.equal(table.reconcile(1, []), 1);
    assert.deepEqual([table.has(tcp), table.has(udp)], [false, true]);
  });

  it('rekeyWorker(from, to, "tcp") moves only TCP records: UDP flows stay with the worker id', () => {
    const table = new ConnectionTable();
    const tcp = table.add('tcp', '192.0.2.1', 1, 0, State.Queued, T0);
    const udp = table.add('udp', '192.0.2.1', 1, 1, State.Queued, T0);
    for (const id of [tcp, udp]) table.assign(id, 1, 11);
    assert.equal(table.rekeyWorker(1, 60001, 'tcp'), 1);
    assert.deepEqual([table.workerOf(tcp), table.workerOf(udp)], [60001, 1]);
  });
});

describe('ConnectionTable: summary counts', () => {
  it('countIn, udpCount and oldestAcceptedAt follow add, assign, establish, sweep and reconcile', () => {
    const table = new ConnectionTable({ initialCapacity: 8 });
    assert.deepEqual([table.listenerSpan, table.udpCount, table.oldestAcceptedAt()], [0, 0, -1]);
    const a = table.add('tcp', '192.0.2.1', 1, 0, State.Queued, T0 + 5);
    const b = table.add('tcp', '192.0.2.2', 1, 0, State.Queued, T0 + 1);
    const c = table.add('udp', '192.0.2.3', 1, 300, State.Queued, T0 + 9);
    assert.deepEqual([table.listenerSpan, table.udpCount, table.oldestAcceptedAt()], [301, 1, T0 + 1]);
    table.assign(a, 1, 11, T0 + 10);
    table.assign(b, 1, 11, T0 + 10);
    table.establish(b, T0 + 11);
    table.assign(c, 2, 12, T0 + 10);
    table.establish(c, T0 + 11);
    assert.deepEqual([0, 1, 2].map((s) => table.countIn(0, s)), [0, 1, 1]);
    assert.deepEqual([0, 1, 2].map((s) => table.countIn(300, s)), [0, 0, 1]);
    // The worker no longer holds b: reconcile removes it, and the oldest is a now.
    assert.equal(table.reconcile(1, []), 1);
    assert.deepEqual([[0, 1, 2].map((s) => table.countIn(0, s)), table.oldestAcceptedAt()], [[0, 1, 0], T0 + 5]);
    // a has been handing over too long: swept.
    assert.equal(table.sweep(T0 + 1000, { queuedMaxAgeMs: 100, handingOverMaxAgeMs: 100 }), 1);
    assert.deepEqual([table.countIn(0, State.HandingOver), table.udpCount, table.size], [0, 1, 1]);
    table.remove(c);
    assert.deepEqual([table.countIn(300, State.Established), table.udpCount, table.oldestAcceptedAt()], [0, 0, -1]);
    // Listeners and states out of range count nothing, and never throw.
    for (const [l, s] of [[-1, 0], [1.5, 0], [0, 3], [0, -1], [65536, 0], [Number.NaN, 0]]) assert.equal(table.countIn(l!, s as State), 0);
  });
});
