// Slowloris against --max-prereading: more slow clients than the cap, each having sent part of a
// head; the oldest are shed first, in the order they connected, and normal clients are served.
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, test } from 'node:test';
import type { Master } from '../../src/index.js';
import { fixture, get, startMaster, waitFor } from '../helpers/cluster.js';

const CAP = 5;
const SLOW = 8;
const NORMAL = 3;
let master: Master;
let port: number;

before(async () => {
  ({ master, port } = await startMaster({
    script: fixture('http-app.js'), workers: 1, maxPrereading: CAP, listen: undefined,
    listeners: [{ listen: '127.0.0.1:0', content: { protocol: 'http', timeout: 60_000 } }],
  } as never));
});
after(async () => { await master.stop(); });

test(`${SLOW} slow clients past a cap of ${CAP}: the oldest are shed in order, normal clients are served`, async () => {
  const closedOrder: number[] = [];
  const received = new Array<number>(SLOW).fill(0);
  const slow: net.Socket[] = [];
  for (let i = 0; i < SLOW; i++) {
    const s = net.connect(port, '127.0.0.1');
    s.on('data', (d: Buffer) => { received[i] += d.length; });
    s.on('error', () => {});
    s.on('close', () => closedOrder.push(i));
    s.write('GET /slow HTTP/1.1\r\nHost: x\r\n');
    slow.push(s);
    // One at a time, so that the order they began to be read is the order they connected.
    await waitFor(() => master.stats.accepted[0] === i + 1, 3000, `slow client ${i} to be accepted`);
  }
  await waitFor(() => closedOrder.length === SLOW - CAP, 3000, 'the slow clients past the cap to be closed');
  assert.deepEqual(closedOrder, [0, 1, 2], 'the oldest, in the order they connected');
  assert.equal(master.stats.dropped.preread_shed, SLOW - CAP);

  // The first normal client is read past the cap: it sheds the oldest slow one, and is served;
  // once read it leaves room, so the next ones shed nothing more.
  for (let i = 0; i < NORMAL; i++) {
    const r = await get(port, `/normal${i}`);
    assert.equal(r.status, 200);
    assert.match(r.body, new RegExp(`"path":"/normal${i}"`));
  }
  await waitFor(() => closedOrder.length === SLOW - CAP + 1, 3000, 'the oldest slow client to be shed for the first normal one');
  assert.deepEqual(closedOrder, [0, 1, 2, 3]);
  assert.deepEqual(received, new Array<number>(SLOW).fill(0), 'a shed client gets no answer');
  assert.equal(master.stats.dropped.preread_shed, SLOW - CAP + 1);
  assert.equal(master.stats.dropped.preread_timeout, 0);
  assert.equal(master.stats.droppedTotal, SLOW - CAP + 1, 'nothing else was dropped');
  assert.equal(slow.filter((s) => !s.destroyed).length, CAP - 1, 'the newest slow clients are still being read');
  for (const s of slow) s.destroy();
  await waitFor(() => master.table.size === 0, 3000, 'the table to empty');
});
