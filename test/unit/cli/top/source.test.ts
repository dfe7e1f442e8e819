// top's reads of a master: status and events together, events followed by seq, a master without
// the events command (an empty footer), a master whose numbers start again (an upgrade).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TopEvent } from '../../../../src/cli/top/data.js';
import { MasterSource } from '../../../../src/cli/top/source.js';
import { fakeMaster } from './fake-master.js';
import { events, status } from './frames.js';

test('source: the newest events first, then those after the last seq, none twice', async () => {
  let ring: TopEvent[] = events(3);
  const m = await fakeMaster((r) => {
    if (r.cmd === 'status') return status();
    const since = r.since as number | undefined;
    const list = since === undefined ? ring.slice(-(r.limit as number)) : ring.filter((e) => e.seq > since);
    return { events: list, last: ring.at(-1)?.seq ?? 0 };
  });
  try {
    const source = new MasterSource(m.path);
    assert.equal((await source.poll()).workers.length, 4);
    assert.deepEqual(source.events.map((e) => e.seq), [1, 2, 3]);
    ring = [...ring, ...events(2, 4)];
    await source.poll();
    assert.deepEqual(source.events.map((e) => e.seq), [1, 2, 3, 4, 5]);
    await source.poll();
    assert.deepEqual(source.events.map((e) => e.seq), [1, 2, 3, 4, 5]);
    const asked = m.requests.filter((r) => r.cmd === 'events');
    assert.deepEqual(asked, [{ cmd: 'events', limit: 100 }, { cmd: 'events', since: 3 }, { cmd: 'events', since: 5 }]);
    // A new master on the socket numbers from 1 again: top starts over with its newest.
    ring = events(2);
    await source.poll();
    assert.equal(source.events.length, 0);
    await source.poll();
    assert.deepEqual(source.events.map((e) => e.seq), [1, 2]);
    assert.deepEqual(m.requests.filter((r) => r.cmd === 'events').slice(-2), [{ cmd: 'events', since: 5 }, { cmd: 'events', limit: 100 }]);
  } finally {
    await m.close();
  }
});

test('source: a master without the events command gives an empty footer and is not asked again', async () => {
  const m = await fakeMaster((r) => {
    if (r.cmd === 'status') return status();
    throw { code: 'UNKNOWN_COMMAND', message: `unknown command "${String(r.cmd)}"` };
  });
  try {
    const source = new MasterSource(m.path);
    await source.poll();
    await source.poll();
    assert.deepEqual(source.events, []);
    assert.equal(m.requests.filter((r) => r.cmd === 'events').length, 1);
    assert.equal(m.requests.filter((r) => r.cmd === 'status').length, 2);
  } finally {
    await m.close();
  }
});

test('source: a status answer without a field top shows is PORTPLEX_BAD_ANSWER naming it', async () => {
  const m = await fakeMaster((r) => (r.cmd === 'status' ? { ...status(), workers: [{ id: 1 }] } : { events: [], last: 0 }));
  try {
    await assert.rejects(new MasterSource(m.path).poll(), { code: 'PORTPLEX_BAD_ANSWER', message: /status: result\.workers\[0\]\.group: expected a string, got undefined/ });
  } finally {
    await m.close();
  }
});
