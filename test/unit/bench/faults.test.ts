import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FAULT_DEFAULTS, FAULT_QUICK, faultsMarkdown, parseTrials, reasonsText, slowlorisSummary, TRIALS, type FaultResults } from '../../../bench/faults.js';
import type { SlowlorisRow } from '../../../bench/faults/slowloris.js';

describe('bench faults: report', () => {
  it('parseTrials takes known names and names a bad one', () => {
    assert.deepEqual(parseTrials('fuzz, emfile'), ['fuzz', 'emfile']);
    assert.throws(() => parseTrials('fuzz,slow'), /--trials: expected trials from slowloris, .*got "fuzz,slow"/);
    assert.deepEqual(FAULT_QUICK.trials, TRIALS, 'quick runs every trial, smaller');
    assert.ok(FAULT_QUICK.fuzzCases < FAULT_DEFAULTS.fuzzCases && FAULT_DEFAULTS.fuzzCases >= 1_000_000);
  });

  it('reasonsText shows the four largest counts and sums the rest', () => {
    assert.equal(reasonsText({}), '-');
    assert.equal(reasonsText({ a: 1, b: 5, c: 3, d: 2, e: 1, f: 4 }), 'b 5, f 4, c 3, d 2, 2 other reasons 2');
  });

  it('one table per trial that ran; an unsupported flag is a row that says so', () => {
    const r: FaultResults = {
      options: FAULT_QUICK,
      slowloris: [
        { setup: 'cluster-rr', round: 1, skipped: null, slowOpened: 1000, slowClosedByServer: 0, ok: 200, failed: 0, failures: { refused: 0, reset: 0, timeout: 0 }, p50: 5, p99: 30, masterAlive: true, reasons: {} },
        { setup: 'portplex --preread http', round: 1, skipped: null, slowOpened: 1000, slowClosedByServer: 69, ok: 50, failed: 10, failures: { refused: 0, reset: 7, timeout: 3 }, p50: 6, p99: 40, masterAlive: true, reasons: { 'dropped:preread_timeout': 69 } },
        { setup: 'portplex --max-prereading 256', round: 1, skipped: 'not supported (--max-prereading is not an option of this build)', slowOpened: 0, slowClosedByServer: 0, ok: 0, failed: 0, failures: { refused: 0, reset: 0, timeout: 0 }, p50: null, p99: null, masterAlive: false, reasons: {} },
      ],
      garbage: [],
      emfile: [],
      masterKill: [{ setup: 'portplex', held: 200, okBefore: 900, failedAfter: 30, failuresAfter: { refused: 22, reset: 8, timeout: 0 }, okAfter: 0, heldClosed: 200, workers: 2, orphans: 1, workersGoneMs: null }],
      idleReload: null,
      fuzz: [],
      errors: ['emfile portplex: exited with status 1'],
      failed: true,
    };
    const md = faultsMarkdown(r);
    assert.match(md, /### Slow clients/);
    assert.match(md, /\| portplex --preread http \| 1 \| 1000 \/ 69 \| 50 \| 10 \(reset 7, timeout 3\) \| 0\.25 x \| 6\.0 \| 40\.0 \| yes \| dropped:preread_timeout 69 \|/);
    assert.match(md, /\| portplex --max-prereading 256 \| 1 \| not supported \(--max-prereading is not an option of this build\) \|/);
    assert.match(md, /\| portplex \| 200 \+ load \| 900 \| 30 \(refused 22, reset 8\) \/ 0 \| 200 of 200 \| 1 of 2 \| never \|/);
    assert.doesNotMatch(md, /### Garbage|### Parser fuzz|### Idle/);
    assert.match(md, /- emfile portplex: exited with status 1/);
  });

  it('slow clients: each round against the same round\'s cluster, the median over rounds with its range', () => {
    const row = (setup: string, round: number, ok: number): SlowlorisRow => ({ setup, round, skipped: null, slowOpened: 1000, slowClosedByServer: 0, ok, failed: 0, failures: { refused: 0, reset: 0, timeout: 0 }, p50: 1, p99: 2, masterAlive: true, reasons: {} });
    const rows = [row('cluster-rr', 1, 100), row('p', 1, 50), row('cluster-rr', 2, 200), row('p', 2, 20), row('cluster-rr', 3, 100), row('p', 3, 30)];
    assert.deepEqual(slowlorisSummary(rows), ['- p: answered 0.30 x cluster\'s, median of 3 rounds (0.10 to 0.50)', '']);
    assert.deepEqual(slowlorisSummary(rows.slice(0, 2)), [], 'one round: no summary');
  });
});
