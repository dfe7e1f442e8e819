import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Waiters } from '../../../src/workers/waiters.js';

describe('Waiters', () => {
  it('until: at once with an answer now; else with the first answer a check finds, in the order the waits began', async () => {
    const w = new Waiters();
    let answer: string | undefined;
    const order: string[] = [];
    assert.equal(await w.until(() => 'now'), 'now');
    const a = w.until(() => answer).then((v) => order.push(`a:${v}`));
    const b = w.until(() => (answer === undefined ? undefined : answer.length)).then((v) => order.push(`b:${v}`));
    w.check();
    assert.equal(w.size, 2, 'no answer yet: both still wait');
    answer = 'yes';
    w.check();
    assert.equal(w.size, 0);
    await Promise.all([a, b]);
    assert.deepEqual(order, ['a:yes', 'b:3']);
  });

  it('when: settles once its test holds, and only that wait', async () => {
    const w = new Waiters();
    let n = 0;
    let settled = 0;
    void w.when(() => n >= 2).then(() => settled++);
    void w.when(() => n >= 5).then(() => settled++);
    n = 2;
    w.check();
    w.check();
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual([settled, w.size], [1, 1]);
  });
});
