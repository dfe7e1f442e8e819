import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Serving } from '../../../src/workers/serving.js';

describe('Serving', () => {
  it('takes a listener it serves while it has room', () => {
    const s = new Serving();
    s.set([0, 2]);
    assert.deepEqual([s.takes(0), s.takes(1), s.takes(2), s.list()], [true, false, true, [0, 2]]);
    s.markFull();
    assert.deepEqual([s.takes(0), s.listening(0)], [false, true], 'full: still listening, takes nothing');
    s.markRoom();
    s.unlisten(2);
    assert.deepEqual([s.takes(0), s.takes(2), s.list()], [true, false, [0]]);
    s.set([1]);
    assert.deepEqual(s.list(), [1]);
  });
});
