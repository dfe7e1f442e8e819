import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Sample } from '../../../bench/client.js';
import { isHeavy, summariseTail, tailFigures, tailMarkdown, type TailRound } from '../../../bench/tail.js';

test('isHeavy spreads the share evenly and exactly', () => {
  const heavy = Array.from({ length: 1000 }, (_, i) => isHeavy(i, 0.02)).filter(Boolean).length;
  assert.equal(heavy, 20);
  assert.deepEqual(Array.from({ length: 100 }, (_, i) => i).filter((i) => isHeavy(i, 0.02)), [49, 99]);
  assert.equal(Array.from({ length: 100 }, (_, i) => isHeavy(i, 0)).some(Boolean), false);
});

test('tailFigures: light requests only for latency, every answered one for throughput', () => {
  const s = (ms: number, kind: string, ok = true): Sample => ({ start: 0, ms: ok ? ms : Number.NaN, kind, ok });
  const samples = [...Array.from({ length: 99 }, (_, i) => s(i + 1, 'light')), s(500, 'heavy'), s(0, 'light', false), s(1000, 'light')];
  const f = tailFigures(samples, 2);
  assert.deepEqual([f.p50, f.p99, f.light, f.failed, f.throughput], [50, 99, 100, 1, 50.5]);
  assert.equal(f.p999, 1000);
});

test('summariseTail pairs each p99 with the baseline of its own round', () => {
  const r = (setup: string, round: number, p99: number): TailRound => ({ setup, round, p50: 1, p99, p999: p99, throughput: 100, failed: 0, light: 100 });
  const rounds = [
    r('cluster-rr', 0, 20), r('cluster-none', 0, 10), r('x', 0, 5),
    r('cluster-rr', 1, 40), r('cluster-none', 1, 10), r('x', 1, 4),
  ];
  const x = summariseTail(rounds).find((s) => s.setup === 'x')!;
  assert.equal(x.vsRr.ratio, 0.175, 'median of 5/20 and 4/40');
  assert.equal(x.vsNone.ratio, 0.45, 'median of 0.5 and 0.4');
  assert.equal(x.vsRr.interval, null, 'two rounds give no interval');
  assert.match(tailMarkdown(summariseTail(rounds)), /\| x \| 1\.00 \| 4\.5 \| 4\.5 \| 100 \| 0 \| 0\.17 \| 0\.45 \|/);
});
