// A frame of `portplex top` without a terminal: its size, its plain and coloured forms, the
// selection, the sort order, the columns it drops as it narrows, the footer, the overlays.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TopStatus } from '../../../../src/cli/top/data.js';
import { History, sparkline } from '../../../../src/cli/top/history.js';
import { allColumns, fitColumns } from '../../../../src/cli/top/columns.js';
import { KEY_HINT, MARKER, render, type Frame } from '../../../../src/cli/top/screen.js';
import { SORTS } from '../../../../src/cli/top/sort.js';
import { width } from '../../../../src/cli/top/text.js';
import { events, status, worker } from './frames.js';

// eslint-disable-next-line no-control-regex
const SGR = /\x1b\[[0-9;]*m/g;
const HAS_SGR = /\x1b\[[0-9;]*m/;
const strip = (line: string): string => line.replace(SGR, '');

function history(s: TopStatus, samples = 20): History {
  const h = new History();
  for (let i = 0; i < samples; i++) h.record({ ...s, workers: s.workers.map((w) => ({ ...w, connectionsPerSecond: w.id === 1 ? i : w.connectionsPerSecond })), stats: { accepted: [100 * i], queued: [2] } }, i * 1000);
  return h;
}

function frame(over: Partial<Frame> = {}, s = status()): Frame {
  return { status: s, events: events(12), history: history(s), sort: 'id', columns: 80, rows: 24, colour: false, ...over };
}

/** The row of worker `id` in plain lines (its id is the first figure after the marker column). */
function row(lines: string[], id: number): string | undefined {
  return lines.find((l) => new RegExp(`^[ ${MARKER}] +${id} `).test(l));
}

for (const [columns, rows] of [[80, 24], [200, 50], [40, 10], [120, 30]] as const) {
  for (const colour of [false, true]) {
    test(`screen ${columns}x${rows}, colour ${colour ? 'on' : 'off'}: at most ${rows} lines, none wider than ${columns} cells`, () => {
      for (const n of [1, 4, 64]) {
        const lines = render(frame({ columns, rows, colour }, status({ workers: n })));
        assert.ok(lines.length <= rows, `${lines.length} lines`);
        assert.equal(lines.length, rows, 'the key line sits on the last row');
        for (const l of lines) assert.ok(width(strip(l)) <= columns, `${width(strip(l))} cells: ${strip(l)}`);
        if (!colour) for (const l of lines) assert.doesNotMatch(l, /\x1b/, 'no escape code with colour off');
        else assert.ok(lines.some((l) => HAS_SGR.test(l)), 'colours with colour on');
      }
    });
  }
}

test('screen 80x24: every worker of 4 with its pid, state and weight; the header, the listener, the footer', () => {
  const s = status({ over: { workers: [worker(1), worker(2, { weight: 0 }), worker(3, { state: 'starting', healthy: false }), worker(4, { state: 'exited' })] } });
  const lines = render(frame({}, s));
  assert.match(lines[0]!, /^portplex 0\.1\.0 +master 1000 serving +up 5m12s +4 workers +4 records +sort: id$/);
  assert.match(lines[1]!, /^listener 0 +tcp 127\.0\.0\.1:8080 +default +round-robin +100 conn\/s +queue 0$/);
  assert.match(lines[2]!, /^ +id +pid +state +health +weight +active +conn\/s +history +cpu +mem$/);
  assert.match(row(lines, 1)!, /^> +1 +20001 +ready +up +1 +1 +1\.5 +[▁-█ ]+ +2\.5% +51\.0M$/);
  // The history is as wide as the room the other columns leave.
  const cells = fitColumns(allColumns(5, 1), 80 - 2).find((c) => c.header === 'history')!.width;
  assert.ok(cells >= 8 && cells < 20, String(cells));
  assert.ok(row(lines, 1)!.includes(` 1.5 ${sparkline(Array.from({ length: 20 }, (_, i) => i), cells)} `), row(lines, 1));
  assert.match(row(lines, 2)!, /^ +2 +20002 +ready +up +0 +2 +3\.0 /);
  assert.match(row(lines, 3)!, /^ +3 +20003 +starting +DOWN +1 /);
  assert.match(row(lines, 4)!, /^ +4 +20004 +exited +up +1 /);
  assert.equal(lines[lines.length - 1], KEY_HINT);
  // The footer: its title, then the newest events that fit, oldest first.
  const title = lines.indexOf('events');
  assert.ok(title > 0);
  const shown = lines.slice(title + 1, -1).filter((l) => l !== '');
  assert.ok(shown.length >= 5, shown.join('\n'));
  assert.match(shown[shown.length - 1]!, /^\d\d:\d\d:\d\d restart +worker 4 event 12$/);
  assert.deepEqual(shown.map((l) => Number(/event (\d+)$/.exec(l)![1])), Array.from({ length: shown.length }, (_, i) => 13 - shown.length + i));
});

test('screen: columns go as the terminal narrows, the least useful first', () => {
  const header = (columns: number): string[] => render(frame({ columns })).find((l) => /^ +id /.test(l))!.trim().split(/ +/);
  assert.deepEqual(header(200), ['id', 'group', 'pid', 'state', 'health', 'weight', 'active', 'conn/s', 'history', 'cpu', 'mem', 'heap', 'loop', 'restarts', 'uptime']);
  assert.deepEqual(header(80), ['id', 'pid', 'state', 'health', 'weight', 'active', 'conn/s', 'history', 'cpu', 'mem']);
  assert.deepEqual(header(60), ['id', 'pid', 'state', 'health', 'weight', 'active', 'conn/s', 'cpu']);
  assert.deepEqual(header(30), ['id', 'pid', 'state', 'weight']);
  // Several groups: the group column stays longer.
  const groups = status({ over: { workers: [worker(1), worker(2, { group: 'api' })] } });
  assert.deepEqual(render(frame({ columns: 100 }, groups)).find((l) => /^ +id /.test(l))!.trim().split(/ +/), ['id', 'group', 'pid', 'state', 'health', 'weight', 'active', 'conn/s', 'history', 'cpu', 'mem', 'restarts', 'uptime']);
});

test('screen: the history is 20 samples wide when there is room, of the selected data', () => {
  const lines = render(frame({ columns: 200, rows: 50 }));
  // Worker 1 had 0, 1, ... 19 conn/s: a blank for 0, then rising bars.
  assert.ok(row(lines, 1)!.includes(` 1.5 ${sparkline(Array.from({ length: 20 }, (_, i) => i), 20)} `), row(lines, 1));
  // Worker 2 had 3.0 conn/s in every sample: full bars.
  assert.match(row(lines, 2)!, / █{20} /);
});

test('screen: the selection marker follows the selected worker, in every sort', () => {
  for (const sort of SORTS) {
    const lines = render(frame({ selected: 3, sort }));
    assert.equal(lines.filter((l) => l.startsWith(MARKER)).length, 1);
    assert.match(lines.find((l) => l.startsWith(MARKER))!, /^> +3 +20003 /);
  }
  const coloured = render(frame({ selected: 2, colour: true }));
  const selected = coloured.find((l) => strip(l).startsWith(MARKER))!;
  assert.match(selected, /\x1b\[44(;[0-9;]*)?m/, 'a bar behind the selected row');
  assert.equal(width(strip(selected)), 80, 'the bar spans the width');
  // No selection marked (the plain frame of a pipe).
  assert.equal(render(frame({ selected: null })).filter((l) => l.startsWith(MARKER)).length, 0);
});

test('screen: each sort puts the busiest first by its figure, ties by id', () => {
  const s = status({ over: { workers: [
    worker(1, { connectionsPerSecond: 5, active: 1, cpuPercent: 9, rssBytes: 3e8 }),
    worker(2, { connectionsPerSecond: 9, active: 7, cpuPercent: 1, rssBytes: 1e8 }),
    worker(3, { connectionsPerSecond: 1, active: 7, cpuPercent: null, rssBytes: 2e8 }),
    worker(4, { connectionsPerSecond: 7, active: 0, cpuPercent: 4, rssBytes: null }),
  ] } });
  const order = (sort: Frame['sort']): number[] => render(frame({ sort, columns: 200, rows: 50 }, s)).filter((l) => /^[ >] +\d+ /.test(l)).map((l) => Number(l.slice(1).trim().split(/ +/)[0]));
  assert.deepEqual(order('id'), [1, 2, 3, 4]);
  assert.deepEqual(order('conn/s'), [2, 4, 1, 3]);
  assert.deepEqual(order('active'), [2, 3, 1, 4]);
  assert.deepEqual(order('cpu'), [1, 4, 2, 3]);
  assert.deepEqual(order('memory'), [1, 3, 2, 4]);
});

test('screen: workers that do not fit are counted, and the window keeps the selected row in view', () => {
  const s = status({ workers: 40 });
  const lines = render(frame({}, s));
  const rows = lines.filter((l) => /^[ >] +\d+ +\d{5} /.test(l));
  const more = lines.find((l) => /^ +\+\d+ more/.test(l));
  assert.ok(more, lines.join('\n'));
  assert.equal(rows.length + Number(/\+(\d+) more/.exec(more)![1]), 40);
  assert.match(rows[0]!, /^> +1 /);
  const last = render(frame({ selected: 40 }, s));
  assert.match(last.filter((l) => /^[ >] +\d+ +\d{5} /.test(l)).at(-1)!, /^> +40 /);
  assert.match(last.find((l) => /more/.test(l))!, /\+\d+ more \(\d+ above; /);
  // The footer keeps some events however many workers there are.
  assert.ok(last.filter((l) => /event \d+$/.test(l)).length >= 2);
});

test('screen: text from the master cannot move the cursor or paint', () => {
  const s = status({ over: { workers: [worker(1, { group: 'a\x1b[2Jb', state: 'ready\x07' })] } });
  const evil = [{ seq: 1, at: 0, kind: 'exit\x1b[31m', message: 'x\x1b]0;title\x07y\r\nz' }];
  for (const colour of [false, true]) {
    const lines = render(frame({ columns: 200, colour, events: evil }, s));
    for (const l of lines) assert.doesNotMatch(strip(l), /[\x00-\x1f\x7f]/, JSON.stringify(l));
    assert.ok(lines.some((l) => strip(l).includes('x ]0;title y  z')));
  }
});

test('screen: a master without events shows an empty footer', () => {
  const lines = render(frame({ events: [] }));
  const title = lines.indexOf('events');
  assert.ok(title > 0);
  assert.deepEqual(lines.slice(title + 1, -1).filter((l) => l !== ''), []);
});

test('screen: the help overlay, the reload question, a message on the bottom line', () => {
  const help = render(frame({ help: true }));
  assert.ok(help.includes('keys'));
  assert.ok(help.some((l) => /^ +d +drain the selected worker/.test(l)));
  assert.ok(help.some((l) => /^ +s +sort by id, conn\/s, active, cpu, memory \(now: id\)/.test(l)));
  assert.equal(help.filter((l) => /^[ >] +\d+ +\d{5} /.test(l)).length, 0, 'no worker rows under the help');
  assert.equal(render(frame({ prompt: 'reload? y/n', message: 'ignored' })).at(-1), 'reload? y/n');
  assert.equal(render(frame({ message: 'drain: worker 2' })).at(-1), 'drain: worker 2');
});

test('screen: a tiny terminal still gets lines that fit', () => {
  for (const [columns, rows] of [[1, 1], [10, 3], [20, 5]]) {
    const lines = render(frame({ columns, rows }));
    assert.ok(lines.length <= rows);
    for (const l of lines) assert.ok(width(l) <= columns, l);
  }
});

test('screen: how long a frame takes to render (200x50, 64 workers, colour; 80x24)', (t) => {
  for (const [columns, rows, n] of [[200, 50, 64], [80, 24, 4]] as const) {
    const s = status({ workers: n });
    const f = frame({ columns, rows, colour: true }, s);
    for (let i = 0; i < 100; i++) render(f);
    const start = process.hrtime.bigint();
    for (let i = 0; i < 1000; i++) render({ ...f, selected: (i % n) + 1 });
    const us = Number(process.hrtime.bigint() - start) / 1000 / 1000;
    t.diagnostic(`${columns}x${rows}, ${n} workers: ${us.toFixed(1)} µs per frame over 1000 frames`);
  }
});
