// The /metrics output of a master that has served traffic passes Prometheus's own linter.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { startMetricsServer } from '../../src/metrics/http-endpoint.js';
import { createMasterMetrics } from '../../src/metrics/master-metrics.js';
import { fixture, get, startMaster, waitFor } from '../helpers/cluster.js';

const MISSING = 'promtool is not installed: this test needs it (Debian: apt-get install -y prometheus; .ci/run installs it when run as root)';

/** Runs `promtool check metrics` on `text`; a missing promtool fails the test rather than skipping it. */
function promtoolCheck(text: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('promtool', ['check', 'metrics'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => { output += d; });
    child.stderr.on('data', (d) => { output += d; });
    child.on('error', (err: NodeJS.ErrnoException) => reject(err.code === 'ENOENT' ? new Error(MISSING) : err));
    child.on('close', (code) => resolve({ code, output }));
    // promtool may exit before reading everything if it fails early; its exit code tells then.
    child.stdin.on('error', () => {});
    child.stdin.end(text);
  });
}

test('promtool check metrics finds no problem in /metrics', async () => {
  const { master, port } = await startMaster({ script: fixture('http-app.js'), workers: 2 });
  const metrics = createMasterMetrics(master);
  const server = await startMetricsServer(master, metrics.registry, { port: 0 });
  try {
    // Traffic first, so the histogram and per-worker series carry real values.
    for (let i = 0; i < 10; i++) await get(port);
    await waitFor(() => master.stats.handedOver === 10, 2000, '10 hand-overs');
    const res = await fetch(`http://127.0.0.1:${server.port}/metrics`);
    assert.equal(res.status, 200);
    const text = await res.text();
    assert.match(text, /^portplex_handoff_duration_seconds_count 10$/m);
    const { code, output } = await promtoolCheck(text);
    assert.equal(output.trim(), '', `promtool reported lint problems:\n${output}`);
    assert.equal(code, 0, `promtool exited with ${code}:\n${output}`);
  } finally {
    await master.stop();
    await server.close();
    metrics.close();
  }
});
