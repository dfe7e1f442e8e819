// Where a throw in portplex's code goes (counted as a fault), and where the application's goes
// (on, uncaught as it would be without portplex).
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { appThrow, caught, guarded, onFault, type WorkerFaultKind } from '../../../src/in-worker/faults.js';

const seen: Array<[WorkerFaultKind, unknown]> = [];
onFault((kind, err) => { seen.push([kind, err]); });
afterEach(() => { seen.length = 0; });

describe('caught', () => {
  it('counts a throw of ours as a fault of its kind', () => {
    const err = new Error('ours');
    caught('usage', err);
    assert.deepEqual(seen, [['usage', err]]);
  });

  it('throws the application\'s throw on, uncounted', () => {
    const err = new Error('the app\'s');
    assert.throws(() => caught('frame', appThrow(err)), (e) => e === err);
    assert.deepEqual(seen, []);
  });

  it('throws the application\'s throw on at every entry point it passes (an outer one too)', () => {
    const err = new Error('nested');
    appThrow(err);
    assert.throws(() => caught('adopt', err), (e) => e === err);
    assert.throws(() => caught('frame', err), (e) => e === err);
    assert.deepEqual(seen, []);
  });

  it('tells the application\'s thrown primitive from ours by identity', () => {
    appThrow('app');
    assert.throws(() => caught('message', 'app'), (e) => e === 'app');
    caught('message', 'ours');
    assert.deepEqual(seen, [['message', 'ours']]);
  });

  it('does not throw when counting throws', () => {
    onFault(() => { throw new Error('sink'); });
    try {
      assert.doesNotThrow(() => caught('report', new Error('x')));
    } finally {
      onFault((kind, err) => { seen.push([kind, err]); });
    }
  });
});

describe('guarded', () => {
  it('calls through with this and the arguments', () => {
    const calls: unknown[] = [];
    const target = { name: 't' };
    const g = guarded('drain', function (this: { name: string }, a: number, b: string) { calls.push(this.name, a, b); });
    g.call(target, 1, 'two');
    assert.deepEqual(calls, ['t', 1, 'two']);
    assert.deepEqual(seen, []);
  });

  it('catches what its function throws as a fault of its kind, once per throw', () => {
    const g = guarded('heartbeat', () => { throw new RangeError('bad'); });
    g();
    g();
    assert.deepEqual(seen.map(([k, e]) => [k, (e as Error).message]), [['heartbeat', 'bad'], ['heartbeat', 'bad']]);
  });

  it('lets the application\'s throw out of its function', () => {
    const err = new Error('app');
    const g = guarded('websocket', () => { throw appThrow(err); });
    assert.throws(() => g(), (e) => e === err);
    assert.deepEqual(seen, []);
  });
});
