import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseOptions, PROFILES } from '../../../bench/options.js';

describe('bench options', () => {
  it('the full profile by default, the quick one with --quick', () => {
    const full = parseOptions([]);
    const quick = parseOptions(['--quick']);
    assert.ok(full !== 'help' && quick !== 'help');
    assert.equal(full.rounds, PROFILES.full.rounds);
    assert.equal(quick.rounds, PROFILES.quick.rounds);
    assert.deepEqual([full.pairs, quick.pairs], [9, 0], 'paired runs in full mode only');
    assert.equal((parseOptions(['--quick', '--pairs', '2']) as { pairs: number }).pairs, 2);
    assert.equal(quick.seconds, PROFILES.quick.seconds);
    assert.equal(quick.out, 'bench/results/latest.json');
    assert.equal(quick.setups, null);
    assert.equal(quick.micro, true);
    assert.deepEqual([full.floorConnections, quick.floorConnections], [20000, 5000], 'a shorter master floor keeps --quick under 2 minutes');
  });

  it('flags override the profile', () => {
    const o = parseOptions(['--quick', '--rounds', '5', '--out', 'x.json', '--setups', 'single, cluster-rr', '--no-micro', '--workers', '4']);
    assert.ok(o !== 'help');
    assert.deepEqual([o.rounds, o.out, o.setups, o.micro, o.workers], [5, 'x.json', ['single', 'cluster-rr'], false, 4]);
    assert.deepEqual([o.lifecycle, o.reloads], [true, true]);
    const skip = parseOptions(['--no-lifecycle']);
    assert.ok(skip !== 'help');
    assert.deepEqual([skip.lifecycle, skip.reloads], [false, true]);
  });

  it('bad values name the flag', () => {
    assert.throws(() => parseOptions(['--rounds', '0']), /--rounds: expected an integer >= 1, got "0"/);
    assert.throws(() => parseOptions(['--duration', '1.5']), /--duration/);
    assert.throws(() => parseOptions(['--bogus']), /bogus/);
    assert.equal(parseOptions(['-h']), 'help');
  });
});
