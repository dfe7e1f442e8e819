// least-connections spreads long-lived connections evenly, even when they arrive in bursts. A
// worker whose hand-over has waited 20 ms gets none until it answers (responsiveness comes
// before balance): on a busy machine that happens within a burst of 40 connections accepted over
// several turns, so the bursts are of 10, each one's answers in before the next.
import assert from 'node:assert/strict';
import type net from 'node:net';
import { test } from 'node:test';
import { firstLine, fixture, startMaster, waitFor } from '../helpers/cluster.js';

test('40 long-lived connections in bursts of 10 over 4 least-connections workers: 10 each (max/mean 1.0)', async () => {
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
    const values = [...counts.values()];
    const mean = 40 / 4;
    assert.equal(counts.size, 4, `all 4 workers got connections: ${JSON.stringify([...counts])}`);
    assert.ok(Math.max(...values) / mean <= 1.05, `max/mean ${Math.max(...values) / mean}: ${JSON.stringify([...counts])}`);
    // The master's table agrees with what the clients saw.
    for (const w of master.workers()) assert.equal(w.active, counts.get(String(w.id)));
    // Clients may read their line before the master has processed the last acknowledgements.
    await waitFor(() => master.connections({ state: 'established' }).length === 40, 2000, '40 established records');
  } finally {
    for (const s of sockets) s.destroy();
    await master.stop();
  }
});
