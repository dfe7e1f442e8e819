// The event ring: seq numbers that only grow, a fixed capacity whose oldest events are
// overwritten, and the two queries (newest N; after seq S, up to N) with the gap a slow reader sees.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EVENT_CAPACITY, EventRing } from '../../../src/master/events.js';

/** A ring of `capacity` holding events 1..n, each at time 1000 + seq. */
function filled(capacity: number, n: number): EventRing {
  const ring = new EventRing(capacity);
  for (let i = 1; i <= n; i++) ring.add('start', `event ${i}`, { worker: i, pid: 100 + i, group: 'default' }, 1000 + i);
  return ring;
}

const seqs = (list: ReadonlyArray<{ seq: number }>): number[] => list.map((e) => e.seq);

describe('EventRing', () => {
  it('holds 500 by default and starts empty: last 0, no events', () => {
    const ring = new EventRing();
    assert.equal(EVENT_CAPACITY, 500);
    assert.equal(ring.capacity, 500);
    assert.equal(ring.last, 0);
    assert.equal(ring.size, 0);
    assert.deepEqual(ring.newest(100), []);
    assert.deepEqual(ring.after(0, 100), []);
  });

  it('returns each event as recorded: seq, at, kind, message and its subject, frozen', () => {
    const ring = new EventRing(4);
    const a = ring.add('exit', 'worker 2 (pid 42) exited with code 3', { worker: 2, pid: 42, group: 'api' }, 1234);
    const b = ring.add('scale', 'admin: scale: group api runs 3 workers', { group: 'api' }, 1240);
    const c = ring.add('stop', 'the master is stopping', undefined, 1250);
    assert.deepEqual(a, { seq: 1, at: 1234, kind: 'exit', message: 'worker 2 (pid 42) exited with code 3', worker: 2, pid: 42, group: 'api' });
    // Fields the event is not about are absent, not undefined: its JSON says only what is known.
    assert.deepEqual(Object.keys(b), ['seq', 'at', 'kind', 'message', 'group']);
    assert.deepEqual(Object.keys(c), ['seq', 'at', 'kind', 'message']);
    assert.equal(Object.isFrozen(a), true);
    assert.deepEqual(ring.newest(10), [a, b, c]);
  });

  const cases: Array<{ name: string; capacity: number; n: number; query: (r: EventRing) => ReadonlyArray<{ seq: number }>; expected: number[] }> = [
    { name: 'newest 3 of 7 (capacity 10): the last 3, oldest first', capacity: 10, n: 7, query: (r) => r.newest(3), expected: [5, 6, 7] },
    { name: 'newest 20 of 7: all 7', capacity: 10, n: 7, query: (r) => r.newest(20), expected: [1, 2, 3, 4, 5, 6, 7] },
    { name: 'newest 20 of 25 (capacity 10): the 10 held', capacity: 10, n: 25, query: (r) => r.newest(20), expected: [16, 17, 18, 19, 20, 21, 22, 23, 24, 25] },
    { name: 'after 0, limit 3: the first 3', capacity: 10, n: 7, query: (r) => r.after(0, 3), expected: [1, 2, 3] },
    { name: 'after 4, limit 100: 5 to 7', capacity: 10, n: 7, query: (r) => r.after(4, 100), expected: [5, 6, 7] },
    { name: 'after 5, limit 1: only 6 (a follower catches up in order)', capacity: 10, n: 7, query: (r) => r.after(5, 1), expected: [6] },
    { name: 'after the newest: nothing', capacity: 10, n: 7, query: (r) => r.after(7, 100), expected: [] },
    { name: 'after a seq not reached yet: nothing', capacity: 10, n: 7, query: (r) => r.after(50, 100), expected: [] },
    { name: 'after 3 once 25 went through capacity 10: from the oldest held, 16 (a gap of 12)', capacity: 10, n: 25, query: (r) => r.after(3, 4), expected: [16, 17, 18, 19] },
    { name: 'after 15 of 25 (capacity 10): no gap, 16 on', capacity: 10, n: 25, query: (r) => r.after(15, 100), expected: [16, 17, 18, 19, 20, 21, 22, 23, 24, 25] },
    { name: 'wrapped exactly once (20 in capacity 10): 11 to 20', capacity: 10, n: 20, query: (r) => r.newest(10), expected: [11, 12, 13, 14, 15, 16, 17, 18, 19, 20] },
    { name: 'capacity 1: only the newest', capacity: 1, n: 3, query: (r) => r.after(0, 5), expected: [3] },
    { name: 'limit 0: nothing', capacity: 10, n: 7, query: (r) => r.newest(0), expected: [] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const ring = filled(c.capacity, c.n);
      const got = c.query(ring);
      assert.deepEqual(seqs(got), c.expected);
      // Each slot still holds the event of its seq (the ring did not mix up its slots).
      for (const e of got as ReadonlyArray<{ seq: number; message: string; at: number }>) {
        assert.equal(e.message, `event ${e.seq}`);
        assert.equal(e.at, 1000 + e.seq);
      }
    });
  }

  it('memory stays fixed: 1200 events through a ring of 500 hold 500, seq goes on to 1200', () => {
    const ring = filled(500, 1200);
    assert.equal(ring.size, 500);
    assert.equal(ring.last, 1200);
    const all = ring.after(0, 1000);
    assert.equal(all.length, 500);
    assert.equal(all[0]!.seq, 701);
    assert.equal(all[499]!.seq, 1200);
  });

  it('a view reads the ring as it goes on, and cannot write it', () => {
    const ring = filled(3, 2);
    const view = ring.view();
    assert.equal(view.last, 2);
    ring.add('ready', 'event 3', undefined, 1003);
    ring.add('ready', 'event 4', undefined, 1004);
    assert.equal(view.last, 4);
    assert.equal(view.size, 3);
    assert.equal(view.capacity, 3);
    assert.deepEqual(seqs(view.after(1, 10)), [2, 3, 4]);
    assert.deepEqual(seqs(view.newest(1)), [4]);
    assert.equal('add' in view, false);
    assert.equal(Object.isFrozen(view), true);
  });

  it('refuses a capacity that is not a whole number >= 1, naming it', () => {
    assert.throws(() => new EventRing(0), /capacity: expected a whole number >= 1, got 0/);
    assert.throws(() => new EventRing(2.5), /capacity: expected a whole number >= 1, got 2.5/);
  });
});
