import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Lifecycle, type MasterState } from '../../../src/master/lifecycle.js';

/** Runs `steps` from a fresh lifecycle; each step is [to, expected result]. */
function run(steps: Array<[MasterState, boolean]>): { states: MasterState[]; changes: string[] } {
  const l = new Lifecycle(0);
  const changes: string[] = [];
  l.on('change', (to: MasterState, from: MasterState) => changes.push(`${from}->${to}`));
  const states: MasterState[] = [];
  for (const [to, ok] of steps) {
    assert.equal(l.to(to), ok, `${l.state} -> ${to}`);
    states.push(l.state);
  }
  return { states, changes };
}

describe('Lifecycle', () => {
  const cases: Array<{ name: string; steps: Array<[MasterState, boolean]>; changes: string[] }> = [
    {
      name: 'start, a reload, an upgrade that fails, a stop',
      steps: [['serving', true], ['reloading', true], ['serving', true], ['upgrading', true], ['serving', true], ['stopping', true], ['stopped', true]],
      changes: ['starting->serving', 'serving->reloading', 'reloading->serving', 'serving->upgrading', 'upgrading->serving', 'serving->stopping', 'stopping->stopped'],
    },
    {
      name: 'a stop while starting; nothing after stopped',
      steps: [['stopping', true], ['serving', false], ['stopping', false], ['stopped', true], ['starting', false], ['stopping', false]],
      changes: ['starting->stopping', 'stopping->stopped'],
    },
    {
      name: 'no reload or upgrade while starting, no upgrade during a reload, no second of either',
      steps: [['reloading', false], ['upgrading', false], ['serving', true], ['reloading', true], ['reloading', false], ['upgrading', false], ['serving', true], ['upgrading', true], ['upgrading', false], ['reloading', false]],
      changes: ['starting->serving', 'serving->reloading', 'reloading->serving', 'serving->upgrading'],
    },
    {
      name: 'a stop from a reload or an upgrade; no way back from stopping',
      steps: [['serving', true], ['reloading', true], ['stopping', true], ['serving', false], ['reloading', false]],
      changes: ['starting->serving', 'serving->reloading', 'reloading->stopping'],
    },
  ];
  for (const c of cases) {
    it(c.name, () => assert.deepEqual(run(c.steps).changes, c.changes));
  }

  it('ending from the stop on; since moves with each change; describe names the state', () => {
    const l = new Lifecycle(5);
    assert.deepEqual([l.state, l.since, l.ending], ['starting', 5, false]);
    l.to('serving', 10);
    assert.deepEqual([l.since, l.ending, l.describe()], [10, false, 'the master is serving']);
    l.to('stopping', 20);
    assert.deepEqual([l.since, l.ending, l.describe()], [20, true, 'the master is stopping']);
    l.to('serving', 30);
    assert.equal(l.since, 20, 'a refused change leaves it as it was');
    l.to('stopped', 40);
    assert.equal(l.ending, true);
  });
});
