// The command line: bad input gets a message naming it and exit status 2; a busy port, status 3.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fixture, runCli } from '../helpers/cluster.js';

const app = fixture('http-app.js');

const cases: Array<{ args: string[]; code: number; output: RegExp }> = [
  { args: ['-a', 'fastest', app], code: 2, output: /option '-a, --algorithm <name>' argument 'fastest' is invalid\. Allowed choices are round-robin, / },
  { args: ['-w', 'two', app], code: 2, output: /option '-w, --workers <n>' argument 'two' is invalid\. expected a whole number from 1 to 1024/ },
  { args: ['--worker-metrics-timeout', '10000', app], code: 2, output: /option '--worker-metrics-timeout <ms>' argument '10000' is invalid\. expected a whole number from 1 to 9999/ },
  { args: ['-w', '3', '--weights', '5,1', '-l', '0', app], code: 2, output: /weights: 2 weights given for 3 workers \(\[5,1\]\); give one weight per worker \[PORTPLEX_WEIGHTS_MISMATCH\]/ },
  { args: ['--max-memory', '1 gig', app], code: 2, output: /option '--max-memory <size>' argument '1 gig' is invalid\. expected a size such as 512M or 1G .*, got "1 gig"\./ },
  { args: ['--max-memory', '512', app], code: 2, output: /argument '512' is invalid\. expected at least 1M \(a bare number is bytes: did you mean "512M"\?\)/ },
  { args: ['-l', '70000', app], code: 2, output: /option '-l, --listen <\[udp:\]\[host:\]port>' argument '70000' is invalid\. expected a port number 0-65535, got "70000"/ },
  { args: ['-l', 'abc', app], code: 2, output: /option '-l, --listen <\[udp:\]\[host:\]port>' argument 'abc' is invalid\. expected a port number 0-65535, got "abc"/ },
  { args: ['-l', '0', '-l', '127.0.0.1:9', '-l', '127.0.0.1:9', app], code: 2, output: /^portplex: --listen: "127\.0\.0\.1:9" is already a listener/m },
  { args: ['-w', '2000', app], code: 2, output: /option '-w, --workers <n>' argument '2000' is invalid\. expected a whole number from 1 to 1024/ },
  { args: ['-w', '2', '--route', 'apii=path:/x', '-l', '0', app], code: 2, output: /^portplex: --route: unknown group "apii"; groups are default \[PORTPLEX_UNKNOWN_GROUP\]/m },
  { args: ['--node-args', '--import "tsx', app], code: 2, output: /option '--node-args <options>' argument '--import "tsx' is invalid\. a double quote that is never closed at character 10/ },
  { args: ['--node-args', '--max-old-space-size=$MEM', app], code: 2, output: /option '--node-args <options>' argument .* is invalid\. "\$" \(a shell would expand it\)/ },
  { args: ['--node-args', '--import tsx app.js', app], code: 2, output: /"app\.js" is not a Node option/ },
  { args: ['logs'], code: 2, output: /^portplex: script: "logs" is not a portplex command and no such file: .*journalctl .*kubectl logs/m },
  { args: ['stop'], code: 2, output: /^portplex: script: "stop" is not a portplex command .*SIGTERM/m },
  { args: ['ls'], code: 2, output: /^portplex: script: "ls" is not a portplex command .*portplex status/m },
  { args: ['list'], code: 2, output: /portplex status/ },
  { args: ['restart'], code: 2, output: /portplex reload/ },
  { args: ['delete'], code: 2, output: /SIGTERM/ },
  { args: ['monit'], code: 2, output: /portplex status, or --metrics/ },
  { args: ['start'], code: 2, output: /runs in the foreground/ },
  { args: ['-w', '2', 'serve'], code: 2, output: /^portplex: script: "serve" is neither a file nor a portplex command \(status, top, connections, events, drain, undrain, weight, scale, reload, upgrade\)/m },
  { args: ['-l', '0', 'no-such-app.js'], code: 2, output: /script: no such file: .*no-such-app\.js/ },
  { args: ['-c', 'no-such-config.json'], code: 2, output: /--config: cannot read .*no-such-config\.json/ },
  { args: [], code: 2, output: /missing <script>/ },
  { args: ['--env', 'production', app], code: 2, output: /--env: chooses the env_NAME of a PM2 ecosystem file: give the file with -c \[PORTPLEX_INVALID_OPTION\]/ },
];

/** Usage errors are a line and a pointer to --help, never the help itself. */
const SHORT: Array<{ args: string[]; lines: RegExp[] }> = [
  { args: ['-w', '2'], lines: [/^portplex: missing <script> \(or --config with a "script"\)$/, /^usage: portplex \[options\] <script> \[args\.\.\.\]; portplex --help lists the options and commands$/] },
  { args: [], lines: [/^portplex: missing <script>/, /^usage: /] },
  { args: ['--wokers', '2', app], lines: [/^error: unknown option '--wokers'$/, /^\(Did you mean --workers\?\)$/, /^\(portplex --help lists the options and commands\)$/] },
  { args: ['status', '--jsn'], lines: [/^error: unknown option '--jsn'$/, /^\(Did you mean --json\?\)$/, /^\(portplex status --help lists its options\)$/] },
];

for (const c of cases) {
  test(`portplex ${c.args.join(' ').replace(/\/\S*\//g, '')} exits ${c.code} and says why`, async () => {
    const cli = runCli(c.args);
    const { code } = await cli.exited;
    assert.equal(code, c.code, cli.output());
    assert.match(cli.output(), c.output);
  });
}

for (const c of SHORT) {
  test(`portplex ${c.args.join(' ').replace(/\/\S*\//g, '')} prints ${c.lines.length} lines, exit 2`, async () => {
    const cli = runCli(c.args);
    assert.equal((await cli.exited).code, 2, cli.output());
    const lines = cli.output().trimEnd().split('\n');
    assert.equal(lines.length, c.lines.length, cli.output());
    c.lines.forEach((re, i) => assert.match(lines[i]!, re));
  });
}

test('a config file with several problems: every one of them in one error, exit 2', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'portplex-config-'));
  const file = join(dir, 'portplex.json');
  writeFileSync(file, JSON.stringify({ script: app, wokers: 2, instances: 4, grace: '10s', groups: { api: { maxRequests: -1, colour: 'blue' } } }));
  try {
    const cli = runCli(['-c', file]);
    assert.equal((await cli.exited).code, 2, cli.output());
    assert.deepEqual(cli.output().trimEnd().split('\n').map((l) => l.replace(/; expected one of [^[]*/, '; ... ')), [
      'portplex: 5 problems in the configuration:',
      '  wokers: unknown option; ... [PORTPLEX_UNKNOWN_OPTION]',
      '  instances: unknown option; ... [PORTPLEX_UNKNOWN_OPTION]',
      '  groups.api.colour: unknown option; ... [PORTPLEX_UNKNOWN_OPTION]',
      '  groups.api.maxRequests: expected an integer >= 0, got -1 [PORTPLEX_INVALID_OPTION]',
      '  grace: expected an integer >= 0, got "10s" [PORTPLEX_INVALID_OPTION]',
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a port already in use: exit status 3 naming the address', async () => {
  const busy = net.createServer();
  await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
  const port = (busy.address() as net.AddressInfo).port;
  try {
    const cli = runCli(['-w', '1', '-l', `127.0.0.1:${port}`, app]);
    const { code } = await cli.exited;
    assert.equal(code, 3, cli.output());
    assert.match(cli.output(), new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}: EADDRINUSE \\[PORTPLEX_LISTEN_FAILED\\]`));
  } finally {
    busy.close();
  }
});

test('--help shows examples and exit statuses; --version the version', async () => {
  const help = runCli(['--help']);
  assert.equal((await help.exited).code, 0);
  assert.match(help.output(), /Examples:\n {2}\$ portplex -w 4 app\.js/);
  assert.match(help.output(), /4 crash loop/);
  const version = runCli(['--version']);
  assert.equal((await version.exited).code, 0);
  assert.match(version.output(), /^\d+\.\d+\.\d+\n$/);
});
