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
      { a: 'px', b: 'rr', metric: 'newConnRps' as const, ratios: [1.25, 1.4, 1.35], median: 1.35 },
      { a: 'px', b: 'none', metric: 'newConnRps' as const, ratios: [], median: null, error: 'wrk failed' },
    ];
    const [ratio, , , , , baseNotRun] = evaluateTargets(targets, rounds, null, new Map(), pairs);
    assert.deepEqual([ratio!.measured, ratio!.method, ratio!.rounds, ratio!.status], [1.35, 'paired', 1.2, 'pass']);
    // A failed pairing falls back to the rounds (here: the base never ran).
    assert.equal(baseNotRun!.method, undefined);
    assert.equal(baseNotRun!.note, 'none not run');
    const [plain] = evaluateTargets(targets.slice(0, 1), rounds, null, new Map());
    assert.deepEqual([plain!.measured, plain!.method, plain!.status], [1.2, 'rounds', 'fail']);
  });

  it('pairs are run for the throughput ratios only', () => {
    assert.deepEqual(pairSpecs(targets), [
      { a: 'px', b: 'rr', metric: 'newConnRps' },
      { a: 'direct', b: 'rr', metric: 'newConnRps' },
      { a: 'px', b: 'none', metric: 'newConnRps' },
    ]);
    assert.equal(pairSpecs(TARGETS).length, 4);
  });

  it('the issue 6 targets name setups and bounds', () => {
    const bounds = TARGETS.map((t) => t.min ?? t.max);
    assert.deepEqual(bounds, [1.3, 0.97, 0.95, 200, 1_000_000, 1.05, 0.8]);
  });
});
