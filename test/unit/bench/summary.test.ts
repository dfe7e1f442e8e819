import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pairedRatio, summarise } from '../../../bench/summary.js';
import { round } from './helpers.js';

// Three rounds: the machine got slower in round 2, for everyone alike.
const ROUNDS = [
  round('rr', 0, { newConnRps: 100, balance: 1.2 }),
  round('px', 0, { newConnRps: 150, balance: 1.0 }),
  round('px', 1, { newConnRps: 60, balance: 1.02 }),
  round('rr', 1, { newConnRps: 50, balance: 1.1 }),
  round('rr', 2, { newConnRps: 100, balance: 1.3 }),
  round('px', 2, { newConnRps: 140, balance: null }, 'wrk failed'),
];

describe('bench summary', () => {
  it('pairs rounds: the median of per-round ratios, not the ratio of medians', () => {
    // Ratios 1.5, 1.2, 1.4: median 1.4 (the ratio of medians would be 140/100).
    assert.equal(pairedRatio(ROUNDS, 'px', 'rr', 'newConnRps'), 1.4);
    assert.equal(pairedRatio(ROUNDS, 'px', 'px', 'newConnRps'), 1);
  });

  it('rounds where either side is missing are left out', () => {
    // Ratios 1.0/1.2 and 1.02/1.1; round 3 has no balance for px.
    assert.ok(Math.abs(pairedRatio(ROUNDS, 'px', 'rr', 'balance')! - (1 / 1.2 + 1.02 / 1.1) / 2) < 1e-12);
    assert.equal(pairedRatio(ROUNDS, 'px', 'absent', 'newConnRps'), null);
    assert.equal(pairedRatio(ROUNDS, 'px', 'rr', 'keepAliveRps'), null);
  });

  it('one row per setup in the given order, medians, ratios and errors', () => {
    const [px, rr] = summarise(ROUNDS, [{ name: 'px', label: 'portplex', note: 'read me' }, { name: 'rr', label: 'cluster' }], ['rr']);
    assert.equal(px!.note, 'read me');
    assert.equal('note' in rr!, false);
    assert.equal(px!.name, 'px');
    assert.equal(px!.rounds, 3);
    assert.equal(px!.figures.newConnRps, 140);
    assert.equal(px!.figures.balance, 1.01);
    assert.equal(px!.figures.keepAliveRps, null);
    assert.equal(px!.vs.rr!.newConnRps, 1.4);
    assert.deepEqual(px!.errors, ['round 3: wrk failed']);
    assert.equal(rr!.vs.rr!.newConnRps, 1);
    assert.deepEqual(rr!.errors, []);
  });
});
