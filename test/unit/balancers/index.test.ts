import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ALGORITHMS, CustomBalancer, createBalancer } from '../../../src/balancers/index.js';
import { CLIENT, cands } from './helpers.js';

describe('createBalancer', () => {
  it('lists the algorithm names', () => {
    assert.deepEqual(ALGORITHMS, [
      'round-robin',
      'weighted-round-robin',
      'least-connections',
      'least-response-time',
      'power-of-two',
      'random',
      'source-hash',
      'first',
    ]);
    assert.ok(Object.isFrozen(ALGORITHMS));
  });

  for (const name of ALGORITHMS) {
    it(`builds ${name}`, () => {
      const b = createBalancer(name);
      assert.equal(b.name, name);
      assert.equal(b.pick(cands(3), CLIENT) >= 0, true);
    });
  }

  it('wraps a pick function as a custom balancer', () => {
    const b = createBalancer(() => 1);
    assert.ok(b instanceof CustomBalancer);
    assert.equal(b.pick(cands(3), CLIENT), 1);
  });

  it('passes options on', () => {
    assert.equal(createBalancer('random', { random: () => 0.99 }).pick(cands(3), CLIENT), 2);
    assert.throws(() => createBalancer('source-hash', { tableSize: 100 }), /tableSize/);
  });

  it('throws for an unknown name, naming it and the valid ones', () => {
    assert.throws(() => createBalancer('roundrobin'), (err: Error) => {
      assert.match(err.message, /'roundrobin'/);
      assert.match(err.message, /round-robin, weighted-round-robin/);
      return true;
    });
    assert.throws(() => createBalancer(undefined as unknown as string), /undefined/);
  });
});
