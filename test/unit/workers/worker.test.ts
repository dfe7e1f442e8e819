import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Worker } from '../../../src/workers/worker.js';
import { group, makeProcess } from './fakes.js';

const worker = (weight = 2, configured?: number): Worker => new Worker(3, group(), weight, 0, configured);

describe('Worker', () => {
  it('weight: set, drained, and the configured one kept for undrain', () => {
    const w = worker(2);
    assert.deepEqual([w.weight, w.configuredWeight], [2, 2]);
    w.setWeight(0);
    assert.deepEqual([w.weight, w.configuredWeight], [0, 2]);
    assert.equal(worker(1, 5).configuredWeight, 5);
  });

  it('connection rate between samples, and recycles by reason', () => {
    const w = worker();
    w.sampleRate(1000);
    assert.equal(w.connectionRate, 0, 'one sample is no rate');
    for (let i = 0; i < 30; i++) w.countHandedOver();
    w.sampleRate(3000);
    assert.equal(w.connectionRate, 15);
    w.sampleRate(4000);
    assert.equal(w.connectionRate, 0);
    w.countRecycle('memory');
    w.countRecycle('memory');
    w.countRecycle('connections');
    w.countRecycle('lifetime');
    assert.deepEqual([w.recycles('memory'), w.recycles('connections'), w.recycles('requests'), w.recycles('lifetime')], [2, 1, 0, 1]);
  });

  it('pid: 0 before any process, the current one, then the last one while none runs', () => {
    const w = worker();
    assert.equal(w.pid, 0);
    const a = makeProcess(3).p;
    assert.equal(w.attach(a), undefined);
    assert.equal(w.pid, a.pid);
    assert.equal(w.process, a);
    assert.equal(w.detach(a), true);
    assert.equal(w.process, undefined);
    assert.equal(w.pid, a.pid);
  });

  it('attach returns the process it replaces; detach of another is refused', () => {
    const w = worker();
    const a = makeProcess(3).p;
    const b = makeProcess(3).p;
    w.attach(a);
    assert.equal(w.attach(b), a);
    assert.equal(w.detach(a), false, 'a reload replaced it: not its process any more');
    assert.equal(w.process, b);
  });

  it('directAccepted adds up every process, each counted once', () => {
    const w = worker();
    const a = makeProcess(3).p;
    const b = makeProcess(3).p;
    w.attach(a);
    a.direct.accept(-1, 1);
    a.direct.accept(-2, 2);
    assert.equal(w.directAccepted, 2);
    w.attach(b);
    b.direct.accept(-1, 3);
    assert.equal(w.directAccepted, 3);
    w.detach(b);
    assert.equal(w.directAccepted, 3);
    w.attach(makeProcess(3).p);
    assert.equal(w.directAccepted, 3);
  });

  it('accepts: weighted, not removed, with a process that accepts', () => {
    const w = worker();
    assert.equal(w.accepts(0), false, 'no process');
    const { p } = makeProcess(3);
    w.attach(p);
    assert.equal(w.accepts(0), true);
    assert.equal(w.accepts(1), false, 'not its listener');
    w.setWeight(0);
    assert.equal(w.accepts(0), false, 'drained');
    w.setWeight(1);
    p.markFull();
    assert.equal(w.accepts(0), false, 'its process is full');
    p.markRoom();
    w.remove();
    assert.deepEqual([w.accepts(0), w.removed, w.weight], [false, true, 0]);
  });

  it('counts hand-overs and restarts', () => {
    const w = worker();
    w.countHandedOver();
    w.countHandedOver();
    w.countRestart();
    w.countRestart();
    w.countRestart();
    assert.deepEqual([w.handedOver, w.restarts], [2, 3]);
  });

  it('exited records the unstable count; stableStart clears it', () => {
    const w = worker();
    w.exited(2);
    assert.equal(w.unstableStarts, 2);
    w.stableStart();
    assert.equal(w.unstableStarts, 0);
  });
});
