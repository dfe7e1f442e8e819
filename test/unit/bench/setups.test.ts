import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allSetups, chooseSetups, type Setup } from '../../../bench/setups.js';

function fake(name: string, quick: boolean, why: string | null = null): Setup {
  return { name, label: name, quick, unavailable: () => why, start: () => Promise.reject(new Error('not in a unit test')) };
}

const ALL = [fake('a', true), fake('b', false), fake('c', true, 'not installed'), fake('d', false, 'not in this build')];
const CTX = { workers: 2, tmp: '/nonexistent' };

describe('bench setup choice', () => {
  it('full runs everything available, quick only the quick ones; the rest is skipped with the reason', () => {
    const full = chooseSetups(ALL, { quick: false, setups: null }, CTX);
    assert.deepEqual(full.run.map((s) => s.name), ['a', 'b']);
    assert.deepEqual([...full.skipped], [['c', 'not installed'], ['d', 'not in this build']]);
    const quick = chooseSetups(ALL, { quick: true, setups: null }, CTX);
    assert.deepEqual(quick.run.map((s) => s.name), ['a']);
    assert.deepEqual([...quick.skipped], [['c', 'not installed']]);
  });

  it('--setups picks by name, quick or not, and rejects unknown names', () => {
    const some = chooseSetups(ALL, { quick: true, setups: ['b', 'd'] }, CTX);
    assert.deepEqual(some.run.map((s) => s.name), ['b']);
    assert.deepEqual([...some.skipped.keys()], ['d']);
    assert.throws(() => chooseSetups(ALL, { quick: false, setups: ['a', 'zz'] }, CTX), /--setups: unknown zz; setups are a, b, c, d/);
  });

  it('the real list: baselines first, every balancer, quick mode as in issue 6', () => {
    const all = allSetups();
    const names = all.map((s) => s.name);
    assert.deepEqual(names.slice(0, 3), ['single', 'cluster-rr', 'cluster-none']);
    assert.equal(new Set(names).size, names.length);
    for (const n of ['portplex-round-robin', 'portplex-first', 'portplex-content', 'portplex-direct', 'haproxy-roundrobin']) assert.ok(names.includes(n), n);
    assert.deepEqual(all.filter((s) => s.quick && s.name.startsWith('portplex-') && !['portplex-content', 'portplex-direct'].includes(s.name)).map((s) => s.name), ['portplex-round-robin', 'portplex-least-connections']);
  });

  it('a portplex mode the config validation rejects is unavailable, saying so', () => {
    const direct = allSetups().find((s) => s.name === 'portplex-direct')!;
    const why = direct.unavailable(CTX);
    // Once direct mode exists this becomes null and the setup runs.
    assert.ok(why === null || /^not in this build: mode/.test(why), String(why));
    assert.equal(allSetups().find((s) => s.name === 'portplex-round-robin')!.unavailable(CTX), null);
  });
});
