import assert from 'node:assert/strict';
import { describe, it, test } from 'node:test';
import { emptyFigures } from '../../../bench/metrics.js';
import { controlsText, figuresTable, fmt, loadErrorNotes, microTables, ratiosTable, targetsTable } from '../../../bench/report.js';
import { round } from './helpers.js';
import type { SetupSummary } from '../../../bench/summary.js';

const PX: SetupSummary = {
  name: 'px',
  label: 'portplex',
  rounds: 2,
  errors: [],
  figures: { ...emptyFigures(), keepAliveRps: 41234.6, keepAliveP99: 2.345, keepAliveMasterCpuUsPerReq: 0.04, balance: 1.0123 },
  vs: { rr: { ...emptyFigures(), keepAliveRps: 1.3456 }, none: { ...emptyFigures(), keepAliveRps: 0.98 } },
};

describe('bench report', () => {
  it('formats numbers with separators and a dash for missing ones', () => {
    assert.equal(fmt(1234567.8), '1,234,568');
    assert.equal(fmt(1.23456, 2), '1.23');
    assert.equal(fmt(null), '—');
    assert.equal(fmt(Number.NaN), '—');
  });

  it('a figures row per setup', () => {
    const lines = figuresTable([PX]).split('\n');
    assert.equal(lines.length, 3);
    assert.match(lines[0]!, /^\| setup \| keep-alive req\/s \|/);
    assert.equal(lines[2], '| px | 41,235 | — | 2.35 | 0.0 | — | — | — | — | — | 1.012 |');
  });

  it('ratio cells read "vs RR / vs NONE"', () => {
    const row = ratiosTable([PX], 'rr', 'none').split('\n')[2]!;
    assert.ok(row.startsWith('| px | 1.35 / 0.98 | — / — |'), row);
  });

  it('targets show the value, the bound and PASS, FAIL or n/a with the reason', () => {
    const text = targetsTable([
      { name: 'a', source: { setup: 'px', metric: 'newConnRps', base: 'rr' }, min: 1.3, unit: 'x', measured: 1.41, status: 'pass' },
      { name: 'b', source: { micro: 'tableBytesPerRecord' }, max: 200, unit: 'B', measured: 250.4, status: 'fail' },
      { name: 'c', source: { setup: 'direct', metric: 'newConnRps' }, min: 0.95, unit: 'x', measured: null, status: 'n/a', note: 'direct skipped' },
      { name: 'd', source: { setup: 'px', metric: 'newConnRps', base: 'rr' }, min: 1.3, unit: 'x', measured: 1.32, status: 'pass', method: 'paired', rounds: 1.2 },
      {
        name: 'e', source: { setup: 'px', metric: 'keepAliveRps', base: 'none' }, min: 0.97, unit: 'x', measured: 0.955, status: 'fail',
        method: 'paired', rounds: 1.01, interval: { low: 0.93, high: 0.981, confidence: 0.961 }, resolved: false,
      },
      {
        name: 'f', source: { setup: 'px', metric: 'keepAliveRps', base: 'none' }, min: 0.97, unit: 'x', measured: 0.93, status: 'fail',
        method: 'paired', rounds: 0.99, interval: { low: 0.915, high: 0.951, confidence: 0.969 }, resolved: true,
      },
    ]);
    const rows = text.split('\n').slice(2);
    assert.deepEqual(rows, [
      '| a | 1.410 x | >= 1.30 x | PASS |',
      '| b | 250 B | <= 200 B | FAIL |',
      '| c | — (direct skipped) | >= 0.95 x | n/a |',
      '| d | 1.320 x paired (rounds: 1.200) | >= 1.30 x | PASS |',
      '| e | 0.955 x paired, 95% CI [0.930, 0.981] (rounds: 1.010) | >= 0.97 x | FAIL (within noise) |',
      '| f | 0.930 x paired, 95% CI [0.915, 0.951] (rounds: 0.990) | >= 0.97 x | FAIL |',
    ]);
  });

  it('the noise control reads the A/A pairs only, with their median and interval', () => {
    const pair = (a: string, b: string, metric: 'newConnRps' | 'keepAliveRps', median: number | null) => ({
      a, b, metric, ratios: median === null ? [] : [0.9, 1, 1.1, 1, 0.95, median], median, interval: median === null ? null : { low: 0.9, high: 1.1, confidence: 0.969 },
      ...(median === null ? { error: 'wrk failed' } : {}),
    });
    assert.equal(controlsText([pair('px', 'rr', 'newConnRps', 1.2)]), null);
    assert.equal(
      controlsText([pair('px', 'rr', 'newConnRps', 1.2), pair('none', 'none', 'newConnRps', 0.98), pair('none', 'none', 'keepAliveRps', null)]),
      'Noise control: two copies of none paired the same way (true ratio 1): new connections 0.980, 95% CI [0.900, 1.100] over 6 pairs; ' +
        'keep-alive: — (wrk failed). A paired ratio nearer its bound than these stray from 1 is not decided by this run.',
    );
  });

  it('notes workloads that saw errors, and only those', () => {
    const clean = { connect: 0, read: 0, write: 0, timeout: 0, status: 0 };
    const a = round('px', 0, {});
    a.raw = { keepAlive: { errors: clean }, newConn: { errors: { ...clean, timeout: 3, status: 2 } }, balance: { errors: 4 } };
    const b = round('rr', 1, {});
    b.raw = { keepAlive: { errors: clean }, newConn: { errors: clean }, balance: { errors: 0 } };
    assert.deepEqual(loadErrorNotes([a, b, round('single', 0, {})]), [
      '- px, round 1, new-conn: wrk saw 3 timeouts, 2 non-2xx/3xx',
      '- px, round 1, long-lived: 4 connections failed',
    ]);
  });
});

test('micro tables end with the IPC cost per hand-over: without a handle, with one the Node way, and as a portplex frame', () => {
  const text = microTables({
    balancers: [{ algorithm: 'round-robin', workers: 8, picksPerSec: 1e6 }],
    table: [{ records: 1000, bytesPerRecord: 90, insertPerSec: 1, lookupPerSec: 1, deletePerSec: 1, insertDeletePerSec: 1 } as never],
    ipc: { messages: 1000, plainCpuUs: 12.5, handleCpuUs: 100, frameCpuUs: 40 },
  });
  assert.match(text, /over 1,000 messages: 12\.5 µs for a Node message without a handle, 100\.0 µs for one carrying a handle .*, 40\.0 µs for a portplex frame carrying one /);
  assert.doesNotMatch(microTables({ balancers: [], table: [] }), /IPC/);
});

test('micro tables give the bare master floor when it was measured', () => {
  const micro = { balancers: [], table: [] };
  const text = microTables({ ...micro, floor: { connections: 20000, acceptCpuUs: 24.25, handOverCpuUs: 30 } });
  assert.match(text, /over 20,000 connections under wrk: 24\.3 µs to accept and close, 30\.0 µs to accept, hand over in a frame and close/);
  assert.doesNotMatch(microTables(micro), /bare Node master/);
});
