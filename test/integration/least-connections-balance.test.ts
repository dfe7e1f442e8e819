// least-connections spreads long-lived connections evenly, even when they arrive in bursts. A
// worker whose hand-over has waited 20 ms gets none until it answers (responsiveness comes
// before balance): on a busy machine that happens within a burst of 40 connections accepted over
// several turns, so the bursts are of 10, each one's answers in before the next. Even so, a
// worker descheduled for 20 ms within the last burst is passed over and ends a little behind;
// least-connections must then fill it first: connections opened one at a time (nothing else in
// flight, so no worker is passed over) each go to a worker with the fewest, until all are equal.
import assert from 'node:assert/strict';
import type net from 'node:net';
import { test } from 'node:test';
import { firstLine, fixture, startMaster, waitFor } from '../helpers/cluster.js';

test('40 long-lived connections in bursts of 10 over 4 least-connections workers end even; one passed over is filled first', async () => {
  const { master, port } = await startMaster({ script: fixture('hold.js'), workers: 4, algorithm: 'least-connections' });
  const sockets = [];
  try {
    const results: Array<{ line: string; socket: net.Socket }> = [];
    for (let burst = 1; burst <= 4; burst++) {
      results.push(...await Promise.all(Array.from({ length: 10 }, () => firstLine(port))));
      await waitFor(() => master.stats.handedOver === 10 * burst, 2000, `the answers for burst ${burst}`);
    }
    const counts = new Map<string, number>();
    for (const { line, socket } of results) {
      sockets.push(socket);
      counts.set(line, (counts.get(line) ?? 0) + 1);
    }
    assert.equal(counts.size, 4, `all 4 workers got connections: ${JSON.stringify([...counts])}`);
    const top = Math.max(...counts.values());
    let total = 40;
    while (Math.min(...counts.values()) < top) {
      const fewest = Math.min(...counts.values());
      const { line, socket } = await firstLine(port);
      sockets.push(socket);
      total++;
      await waitFor(() => master.stats.handedOver === total, 2000, `the answer for connection ${total}`);
      assert.equal(counts.get(line), fewest, `connection ${total} went to worker ${line}, not one with the fewest: ${JSON.stringify([...counts])}`);
      counts.set(line, fewest + 1);
    }
    // Workers passed over in the last burst fall behind by less than that burst.
    assert.ok(total - 40 < 10, `${total - 40} connections to even out after the bursts`);
    // The master's table agrees with what the clients saw.
    for (const w of master.workers()) assert.equal(w.active, counts.get(String(w.id)));
    // Clients may read their line before the master has processed the last acknowledgements.
    await waitFor(() => master.connections({ state: 'established' }).length === total, 2000, `${total} established records`);
  } finally {
    for (const s of sockets) s.destroy();
    await master.stop();
  }
});
