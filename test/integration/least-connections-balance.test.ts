// least-connections spreads long-lived connections evenly, even when they all arrive at once.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { firstLine, fixture, startMaster, waitFor } from '../helpers/cluster.js';

test('40 long-lived connections over 4 least-connections workers: 10 each (max/mean 1.0)', async () => {
  const { master, port } = await startMaster({ script: fixture('hold.js'), workers: 4, algorithm: 'least-connections' });
  const sockets = [];
  try {
    const results = await Promise.all(Array.from({ length: 40 }, () => firstLine(port)));
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
