import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PARTS, parseOptions, PROFILES, USAGE } from '../../../bench/options.js';

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

  it('--only keeps the parts named, --no-<part> still applies', () => {
    const all = parseOptions([]);
    assert.ok(all !== 'help');
    assert.deepEqual([all.setupRounds, all.faults, all.micro], [true, true, true], 'every part by default');
    const faults = parseOptions(['--quick', '--only', 'faults']);
    assert.ok(faults !== 'help');
    assert.deepEqual(
      [faults.setupRounds, faults.micro, faults.udp, faults.blocked, faults.tail, faults.kills, faults.reloads, faults.lifecycle, faults.faults],
      [false, false, false, false, false, false, false, false, true],
    );
    const two = parseOptions(['--only', 'setups, micro', '--no-micro']);
    assert.ok(two !== 'help');
    assert.deepEqual([two.setupRounds, two.micro, two.faults], [true, false, false]);
    const noFaults = parseOptions(['--no-faults']);
    assert.ok(noFaults !== 'help');
    assert.deepEqual([noFaults.faults, noFaults.lifecycle], [false, true]);
    assert.ok(PARTS.every((p) => USAGE.includes(p)), 'the usage lists every part');
  });

  it('bad values name the flag', () => {
    assert.throws(() => parseOptions(['--only', 'fault']), /--only: expected parts from setups, micro, .*faults, got "fault"/);
    assert.throws(() => parseOptions(['--only', ',']), /--only/);
    assert.throws(() => parseOptions(['--rounds', '0']), /--rounds: expected an integer >= 1, got "0"/);
    assert.throws(() => parseOptions(['--duration', '1.5']), /--duration/);
    assert.throws(() => parseOptions(['--bogus']), /bogus/);
    assert.equal(parseOptions(['-h']), 'help');
  });
});
