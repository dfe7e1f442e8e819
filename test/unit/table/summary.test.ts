// The table's summary for the status page: counts by state, protocol, worker and listener, and
// the oldest record, looked for at most once per interval.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConnectionTable } from '../../../src/table/connection-table.js';
import { TableSummarizer } from '../../../src/table/summary.js';
import { State } from '../../../src/table/types.js';

const T0 = 1_700_000_000_000;

test('records by state, protocol, worker and listener; a retired process\'s records apart', () => {
  const table = new ConnectionTable();
  const add = (protocol: 'tcp' | 'udp', listener: number, at: number) => table.add(protocol, '192.0.2.1', 1000 + table.size, listener, State.Queued, T0 + at);
  const queued = add('tcp', 0, 10);
  const handing = add('tcp', 1, 20);
  const est = [add('tcp', 0, 30), add('tcp', 0, 40), add('udp', 2, 5)];
  table.assign(handing, 1, 101);
  for (const [i, id] of est.entries()) {
    table.assign(id, i === 0 ? 1 : 2, 100 + i);
    table.establish(id, T0 + 50);
  }
  // A reload retired worker 2's process: its TCP records move to a key of their own.
  assert.equal(table.rekeyWorker(2, 60001, 'tcp'), 1);
  const s = new TableSummarizer(table).summarize([1, 2], 3, T0 + 1000);
  assert.deepEqual(s, {
    records: 5,
    byState: { queued: 1, 'handing-over': 1, established: 3 },
    byProtocol: { tcp: 4, udp: 1 },
    byWorker: [{ worker: 1, records: 2 }, { worker: 2, records: 1 }],
    retired: 1,
    byListener: [
      { listener: 0, queued: 1, 'handing-over': 0, established: 2 },
      { listener: 1, queued: 0, 'handing-over': 1, established: 0 },
      { listener: 2, queued: 0, 'handing-over': 0, established: 1 },
    ],
    oldestAgeMs: 995,
  });
  assert.equal(table.has(queued), true);
  // Nothing per client: no address, port or id anywhere in it.
  assert.doesNotMatch(JSON.stringify(s), /192\.0\.2\.1|"id"|clientPort/);
});

test('the oldest record is looked for at most once per interval, and at once when the last look found none', () => {
  const table = new ConnectionTable();
  const summarizer = new TableSummarizer(table, 1000);
  assert.equal(summarizer.summarize([], 1, T0).oldestAgeMs, null);
  const first = table.add('tcp', '192.0.2.1', 1, 0, State.Queued, T0 + 100);
  const second = table.add('tcp', '192.0.2.1', 2, 0, State.Queued, T0 + 300);
  // The last look found none: this one looks again.
  assert.equal(summarizer.summarize([], 1, T0 + 500).oldestAgeMs, 400);
  table.remove(first);
  // Within the interval the age is the last look's, growing with the clock.
  assert.equal(summarizer.summarize([], 1, T0 + 900).oldestAgeMs, 800);
  // An interval after the last look (T0 + 500), the table is read again.
  assert.equal(summarizer.summarize([], 1, T0 + 1500).oldestAgeMs, 1200);
  // A clock set back looks again instead of waiting for the interval.
  assert.equal(summarizer.summarize([], 1, T0 + 400).oldestAgeMs, 100);
  table.remove(second);
  assert.equal(summarizer.summarize([], 1, T0 + 450).oldestAgeMs, null, 'an empty table has no oldest record, looked for or not');
});
