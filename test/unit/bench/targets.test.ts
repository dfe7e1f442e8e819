import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MicroResults } from '../../../bench/micro/run.js';
import { evaluateTargets, pairSpecs, TARGETS, type Target } from '../../../bench/targets.js';
import { round } from './helpers.js';

const TABLE = { records: 1_000_000, capacity: 1_048_576, insertPerSec: 2e6, lookupPerSec: 4e6, deletePerSec: 6e6, insertDeletePerSec: 3e6 };
const MICRO: MicroResults = {
  balancers: [],
  table: [
    { ...TABLE, bytesPerRecord: 90, insertDeletePerSec: 900_000 },
    { ...TABLE, bytesPerRecord: 95, insertDeletePerSec: 1_200_000 },
    { ...TABLE, bytesPerRecord: 400, insertDeletePerSec: 1_100_000 },
  ],
};

describe('bench targets', () => {
  const targets: Target[] = [
    { name: 'ratio', source: { setup: 'px', metric: 'newConnRps', base: 'rr' }, min: 1.3, unit: 'x' },
    { name: 'value', source: { setup: 'px', metric: 'balance' }, max: 1.05, unit: '' },
    { name: 'bytes', source: { micro: 'tableBytesPerRecord' }, max: 200, unit: 'B' },
    { name: 'ops', source: { micro: 'tableInsertDeletePerSec' }, min: 1e6, unit: '/s' },
    { name: 'skipped', source: { setup: 'direct', metric: 'newConnRps', base: 'rr' }, min: 0.95, unit: 'x' },
    { name: 'base not run', source: { setup: 'px', metric: 'newConnRps', base: 'none' }, min: 1, unit: 'x' },
  ];

  it('pass, fail and n/a with the reason', () => {
    const rounds = [
      round('rr', 0, { newConnRps: 100 }), round('px', 0, { newConnRps: 131, balance: 1.06 }),
      round('rr', 1, { newConnRps: 100 }), round('px', 1, { newConnRps: 129, balance: 1.04 }),
      round('rr', 2, { newConnRps: 100 }), round('px', 2, { newConnRps: 140, balance: 1.01 }),
    ];
    const results = evaluateTargets(targets, rounds, MICRO, new Map([['direct', 'not in this build']]));
    const by = Object.fromEntries(results.map((r) => [r.name, r]));
    assert.equal(by.ratio!.measured, 1.31);
    assert.equal(by.ratio!.status, 'pass');
    assert.equal(by.value!.measured, 1.04);
    assert.equal(by.value!.status, 'pass');
    assert.equal(by.bytes!.measured, 95);
    assert.equal(by.bytes!.status, 'pass');
    assert.equal(by.ops!.measured, 1_100_000);
    assert.equal(by.ops!.status, 'pass');
    assert.equal(by.skipped!.status, 'n/a');
    assert.equal(by.skipped!.note, 'direct skipped: not in this build');
    assert.equal(by['base not run']!.note, 'none not run');
  });

  it('fails below a min or above a max; exact bounds pass', () => {
    const rounds = [round('rr', 0, { newConnRps: 100 }), round('px', 0, { newConnRps: 129, balance: 1.05 })];
    const [ratio, value] = evaluateTargets(targets.slice(0, 2), rounds, null, new Map());
    assert.equal(ratio!.status, 'fail');
    assert.equal(value!.status, 'pass');
    const [bytes] = evaluateTargets(targets.slice(2, 3), [], null, new Map());
    assert.equal(bytes!.status, 'n/a');
    assert.equal(bytes!.note, 'micro-benchmarks not run');
  });

  it('a paired result decides a ratio target; the ratio over the rounds is kept beside it', () => {
    const rounds = [round('rr', 0, { newConnRps: 100 }), round('px', 0, { newConnRps: 120 })];
    const pairs = [
      { a: 'px', b: 'rr', metric: 'newConnRps' as const, ratios: [1.25, 1.4, 1.35], median: 1.35, interval: null },
      { a: 'px', b: 'none', metric: 'newConnRps' as const, ratios: [], median: null, interval: null, error: 'wrk failed' },
    ];
    const [ratio, , , , , baseNotRun] = evaluateTargets(targets, rounds, null, new Map(), pairs);
    assert.deepEqual([ratio!.measured, ratio!.method, ratio!.rounds, ratio!.status], [1.35, 'paired', 1.2, 'pass']);
    // A failed pairing falls back to the rounds (here: the base never ran).
    assert.equal(baseNotRun!.method, undefined);
    assert.equal(baseNotRun!.note, 'none not run');
    const [plain] = evaluateTargets(targets.slice(0, 1), rounds, null, new Map());
    assert.deepEqual([plain!.measured, plain!.method, plain!.status], [1.2, 'rounds', 'fail']);
  });

  it('the paired interval says whether the run resolves the target: across a bound it does not', () => {
    const rounds = [round('rr', 0, { newConnRps: 100 }), round('px', 0, { newConnRps: 120 })];
    const judged = (ratios: number[], median: number, low: number, high: number) => {
      const pairs = [{ a: 'px', b: 'rr', metric: 'newConnRps' as const, ratios, median, interval: { low, high, confidence: 0.969 } }];
      const [t] = evaluateTargets(targets.slice(0, 1), rounds, null, new Map(), pairs);
      return [t!.status, t!.resolved, t!.interval?.low, t!.interval?.high];
    };
    // Target: >= 1.3.
    assert.deepEqual(judged([1.2, 1.25, 1.28, 1.29, 1.31, 1.35], 1.285, 1.2, 1.35), ['fail', false, 1.2, 1.35]);
    assert.deepEqual(judged([1.27, 1.28, 1.31, 1.32, 1.33, 1.34], 1.315, 1.27, 1.34), ['pass', false, 1.27, 1.34]);
    assert.deepEqual(judged([1.1, 1.12, 1.15, 1.18, 1.2, 1.29], 1.165, 1.1, 1.29), ['fail', true, 1.1, 1.29]);
    assert.deepEqual(judged([1.3, 1.32, 1.35, 1.36, 1.4, 1.5], 1.355, 1.3, 1.5), ['pass', true, 1.3, 1.5]);
    // Without an interval (too few pairs) nothing is claimed about noise.
    const pairs = [{ a: 'px', b: 'rr', metric: 'newConnRps' as const, ratios: [1.4, 1.5], median: 1.45, interval: null }];
    const [few] = evaluateTargets(targets.slice(0, 1), rounds, null, new Map(), pairs);
    assert.deepEqual([few!.status, few!.resolved, few!.interval], ['pass', undefined, null]);
    // An upper bound: balance <= 1.05 is a value target, never paired, so it carries no interval.
    const [value] = evaluateTargets(targets.slice(1, 2), [round('px', 0, { balance: 1.02 })], null, new Map());
    assert.deepEqual([value!.status, 'resolved' in value!, 'interval' in value!], ['pass', false, false]);
  });

  it('pairs are run for the throughput ratios only', () => {
    assert.deepEqual(pairSpecs(targets), [
      { a: 'px', b: 'rr', metric: 'newConnRps' },
      { a: 'direct', b: 'rr', metric: 'newConnRps' },
      { a: 'px', b: 'none', metric: 'newConnRps' },
    ]);
    assert.equal(pairSpecs(TARGETS).length, 4);
  });

  it('a control setup is paired with itself on each metric the targets compare', () => {
    assert.deepEqual(pairSpecs(targets, 'none').slice(3), [{ a: 'none', b: 'none', metric: 'newConnRps' }]);
    assert.deepEqual(pairSpecs(TARGETS, 'cluster-none').slice(4), [
      { a: 'cluster-none', b: 'cluster-none', metric: 'newConnRps' },
      { a: 'cluster-none', b: 'cluster-none', metric: 'keepAliveRps' },
    ]);
  });

  it('the issue 6 targets name setups and bounds', () => {
    const bounds = TARGETS.map((t) => t.min ?? t.max);
    assert.deepEqual(bounds, [1.3, 0.97, 0.95, 200, 1_000_000, 1.05, 0.8]);
  });
});
