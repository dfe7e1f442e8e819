import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_WORKER } from '../../../src/table/connection-table.js';
import { Registry, type MembershipObserver } from '../../../src/workers/registry.js';
import { Worker } from '../../../src/workers/worker.js';
import { group, makeProcess } from './fakes.js';

const worker = (id: number): Worker => new Worker(id, group(), 1, 0);

/** Retired keys are the top 5000 of the table's worker range. */
const LOWEST_RETIRED = MAX_WORKER - 4999;

describe('Registry: membership', () => {
  it('keeps workers in the order added, by id', () => {
    const [a, b, c] = [worker(1), worker(2), worker(5)];
    const r = new Registry([a, b]);
    r.add(c);
    assert.deepEqual(r.workers.map((w) => w.id), [1, 2, 5]);
    assert.equal(r.byId(5), c);
    assert.equal(r.byId(3), undefined);
    assert.equal(r.nextId(), 6);
    r.remove(c);
    assert.equal(r.nextId(), 3);
    assert.equal(new Registry().nextId(), 1);
  });

  it('tells observers of every add and remove, not of a remove of a stranger', () => {
    const r = new Registry([worker(1)]);
    const events: string[] = [];
    const o: MembershipObserver = { added: (w) => events.push(`+${w.id}`), removed: (w) => events.push(`-${w.id}`) };
    r.subscribe(o);
    const two = worker(2);
    r.add(two);
    r.remove(worker(9));
    r.remove(r.byId(1)!);
    r.remove(two);
    assert.deepEqual(events, ['+2', '-1', '-2']);
    assert.deepEqual(r.workers, []);
  });

  it('refuses a worker id within the retired keys', () => {
    const r = new Registry();
    r.add(worker(LOWEST_RETIRED - 1));
    assert.throws(() => r.add(worker(LOWEST_RETIRED)), RangeError);
    assert.equal(r.byId(LOWEST_RETIRED), undefined);
  });

  it('currentOf: the worker only while p is its current process', () => {
    const w = worker(1);
    const r = new Registry([w]);
    const a = makeProcess(1).p;
    const b = makeProcess(1).p;
    assert.equal(r.currentOf(a), undefined);
    w.attach(a);
    assert.equal(r.currentOf(a), w);
    w.attach(b);
    assert.deepEqual([r.currentOf(a), r.currentOf(b)], [undefined, w]);
    assert.equal(r.currentOf(makeProcess(7).p), undefined, 'no such worker');
  });
});

describe('Registry: retired processes', () => {
  it('keys each retired process from the top of the range; a released key is reused', () => {
    const r = new Registry([worker(1)]);
    const [a, b, c] = [makeProcess(1).p, makeProcess(1).p, makeProcess(1).p];
    const ka = r.retire(a)!;
    const kb = r.retire(b)!;
    assert.notEqual(ka, kb);
    for (const k of [ka, kb]) assert.ok(k >= LOWEST_RETIRED && k <= MAX_WORKER, `key ${k}`);
    assert.deepEqual([r.keyOf(a), r.keyOf(b), r.keyOf(c)], [ka, kb, undefined]);
    assert.deepEqual(r.retiredProcesses(), [a, b]);
    r.release(a);
    r.release(a);
    r.release(c);
    assert.equal(r.keyOf(a), undefined);
    assert.deepEqual(r.retiredProcesses(), [b]);
    assert.equal(r.retire(c), ka, 'the freed key');
  });

  it('runs out after 5000 keys, and has one again after a release', () => {
    const r = new Registry();
    const ps = Array.from({ length: 5000 }, () => makeProcess(1).p);
    const keys = new Set(ps.map((p) => r.retire(p)));
    assert.equal(keys.size, 5000);
    assert.ok(!keys.has(undefined));
    const extra = makeProcess(1).p;
    assert.equal(r.retire(extra), undefined);
    assert.equal(r.keyOf(extra), undefined);
    r.release(ps[10]!);
    assert.equal(r.retire(extra), r.keyOf(extra));
    assert.notEqual(r.keyOf(extra), undefined);
  });
});
