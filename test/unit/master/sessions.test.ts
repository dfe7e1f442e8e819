import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_SESSION_KEY } from '../../../src/ipc/frames.js';
import { SessionTable } from '../../../src/master/sessions.js';

describe('SessionTable', () => {
  it('names the worker and process that created a key; unknown keys are undefined', () => {
    const t = new SessionTable(10, 60000);
    t.learn('a', 1, 100, 0);
    t.learn('b', 2, 200, 0);
    assert.deepEqual({ ...t.find('a', 1) }, { worker: 1, pid: 100, seen: 0 });
    assert.equal(t.find('b', 1)?.worker, 2);
    assert.equal(t.find('c', 1), undefined);
    assert.equal(t.learned, 2);
  });

  it('a key learned again moves to its new owner', () => {
    const t = new SessionTable(10, 60000);
    t.learn('a', 1, 100, 0);
    t.learn('a', 2, 200, 5);
    assert.equal(t.find('a', 6)?.worker, 2);
    assert.equal(t.size, 1);
  });

  it('past its size it forgets the longest-unused key, not one just used', () => {
    const t = new SessionTable(3, 60000);
    t.learn('a', 1, 1, 0);
    t.learn('b', 1, 1, 0);
    t.learn('c', 1, 1, 0);
    assert.ok(t.find('a', 2000)); // used: moves to the end
    t.learn('d', 1, 1, 2000);
    assert.equal(t.size, 3);
    assert.equal(t.evicted, 1);
    assert.equal(t.find('b', 2000), undefined);
    for (const k of ['a', 'c', 'd']) assert.ok(t.find(k, 2000), k);
  });

  it('forgets keys unused for longer than the timeout, on lookup and on expire()', () => {
    const t = new SessionTable(10, 1000);
    t.learn('a', 1, 1, 0);
    t.learn('b', 1, 1, 0);
    t.learn('c', 1, 1, 900);
    assert.equal(t.find('a', 1001), undefined);
    t.expire(1500);
    assert.equal(t.size, 1);
    assert.ok(t.find('c', 1500));
    assert.equal(t.expired, 2);
    // A use less than a second after the last refresh keeps the old time (900): gone after 1900.
    t.expire(1899);
    assert.equal(t.size, 1);
    t.expire(1901);
    assert.equal(t.size, 0);
  });

  it('a use a second or more after the last refresh keeps the key for another timeout', () => {
    const t = new SessionTable(10, 5000);
    t.learn('a', 1, 1, 0);
    t.learn('b', 1, 1, 0);
    assert.ok(t.find('a', 4000));
    t.expire(5001);
    assert.equal(t.find('b', 5001), undefined);
    assert.ok(t.find('a', 8999));
    t.expire(14000);
    assert.equal(t.size, 0);
  });

  it('purges every key of a process that is gone, and only those', () => {
    const t = new SessionTable(100, 60000);
    for (let i = 0; i < 10; i++) t.learn(`k${i}`, i % 2 ? 1 : 2, i % 2 ? 100 : 200, 0);
    assert.equal(t.purge(100), 5);
    assert.equal(t.size, 5);
    for (let i = 0; i < 10; i++) assert.equal(t.find(`k${i}`, 0) === undefined, i % 2 === 1, `k${i}`);
    assert.equal(t.purged, 5);
  });

  it('does not remember empty or oversized keys', () => {
    const t = new SessionTable(10, 60000);
    t.learn('', 1, 1, 0);
    t.learn('x'.repeat(MAX_SESSION_KEY + 1), 1, 1, 0);
    t.learn('x'.repeat(MAX_SESSION_KEY), 1, 1, 0);
    assert.equal(t.size, 1);
  });
});
