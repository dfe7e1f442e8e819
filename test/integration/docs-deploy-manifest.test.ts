// The Kubernetes manifest of docs/deploy.md, checked against the CLI: its container's command
// line parses, its probes name the endpoints and port that command serves, the grace period
// covers the shutdown delay and the drain; then the command runs for real, and the probes get
// the answers the page promises, before and after SIGTERM.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { program } from '../../src/cli/program.js';
import type { Flags } from '../../src/cli/options.js';
import { parseListen } from '../../src/config/listen-address.js';
import { cliMetricsPort, cliPort, fixture, freePort, get, readyzAfterSigterm, ROOT, runCli } from '../helpers/cluster.js';
import { pageBlocks } from '../helpers/doc-blocks.js';

interface Probe { httpGet: { path: string; port: string | number } }
interface Container {
  args: string[];
  ports: Array<{ name?: string; containerPort: number }>;
  readinessProbe: Probe;
  livenessProbe: Probe;
}

function manifest(): { gracePeriodS: number; container: Container } {
  const blocks = pageBlocks(ROOT, 'docs/deploy.md').filter((b) => b.lang === 'yaml');
  assert.equal(blocks.length, 1, 'one Kubernetes manifest in docs/deploy.md');
  const docs = parseAllDocuments(blocks[0]!.text);
  for (const d of docs) assert.deepEqual(d.errors, [], 'the manifest is valid YAML');
  const deployment = docs.map((d) => d.toJS() as Record<string, any>).find((d) => d.kind === 'Deployment');
  assert.ok(deployment, 'a Deployment');
  const spec = deployment.spec.template.spec;
  assert.equal(spec.containers.length, 1);
  return { gracePeriodS: spec.terminationGracePeriodSeconds, container: spec.containers[0] };
}

/** The container's portplex command line as the CLI parses it. */
function parsed(args: string[]): { flags: Flags; script: string } {
  assert.match(args[0]!, /(^|\/)portplex$/, 'the container runs portplex itself (exec form)');
  let script = '';
  const cmd = program().action((s: string) => { script = s; });
  cmd.parse(args.slice(1), { from: 'user' });
  return { flags: cmd.opts<Flags>(), script };
}

function portOf(c: Container, port: string | number): number {
  if (typeof port === 'number') return port;
  const named = c.ports.find((p) => p.name === port);
  assert.ok(named, `a container port named ${port}`);
  return named.containerPort;
}

test('docs/deploy.md: the manifest\'s probes, ports and grace period match its portplex command', () => {
  const { gracePeriodS, container } = manifest();
  const { flags, script } = parsed(container.args);
  assert.equal(script, 'app.js');
  const metrics = parseListen(flags.metrics!, '--metrics');
  assert.equal(metrics.host, '0.0.0.0', 'the kubelet probes the pod\'s address, not loopback');
  assert.deepEqual([container.readinessProbe.httpGet.path, portOf(container, container.readinessProbe.httpGet.port)], ['/readyz', metrics.port]);
  assert.deepEqual([container.livenessProbe.httpGet.path, portOf(container, container.livenessProbe.httpGet.port)], ['/healthz', metrics.port]);
  const listen = parseListen(flags.listen![0]!, '-l');
  assert.ok(container.ports.some((p) => p.containerPort === listen.port), 'the listener\'s port is a container port');
  assert.ok(flags.shutdownDelay! > 0, 'a shutdown delay');
  assert.ok(gracePeriodS * 1000 >= flags.shutdownDelay! + flags.grace! + 2000,
    `terminationGracePeriodSeconds ${gracePeriodS} s covers --shutdown-delay ${flags.shutdownDelay} and --grace ${flags.grace} with 2 s to spare`);
});

test('docs/deploy.md: the manifest\'s command serves its probes: ready, then 503 at SIGTERM while alive, exit 0', async () => {
  const { container } = manifest();
  const { flags } = parsed(container.args);
  const [app, metrics] = [await freePort(), await freePort()];
  // The same command line, on free ports, with a test application for app.js.
  const args = container.args.slice(1).map((a) => {
    if (a === flags.listen![0]) return `127.0.0.1:${app}`;
    if (a === flags.metrics) return `127.0.0.1:${metrics}`;
    if (a === 'app.js') return fixture('http-app.js');
    return a;
  });
  const cli = runCli(args);
  try {
    await cliPort(cli.output);
    assert.equal(await cliMetricsPort(cli.output), metrics);
    const path = (p: Probe): string => p.httpGet.path;
    assert.equal((await get(metrics, path(container.readinessProbe))).status, 200);
    assert.equal((await get(metrics, path(container.livenessProbe))).status, 200);
    assert.equal((await get(app, '/')).status, 200);
    const { probes } = await readyzAfterSigterm(cli.child, metrics);
    assert.equal(probes.at(-1), 503, `readiness after SIGTERM: ${probes.join(', ')}`);
    assert.equal((await get(metrics, path(container.livenessProbe))).status, 200, 'alive while it stops');
    assert.equal((await get(app, '/')).status, 200, 'still serving during the shutdown delay');
    assert.equal((await cli.exited).code, 0, cli.output());
  } finally {
    cli.child.kill('SIGKILL');
  }
});
