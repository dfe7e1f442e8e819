// The command line: bad input gets a message naming it and exit status 2; a busy port, status 3.
import assert from 'node:assert/strict';
import net from 'node:net';
import { test } from 'node:test';
import { fixture, runCli } from '../helpers/cluster.js';

const app = fixture('http-app.js');

const cases: Array<{ args: string[]; code: number; output: RegExp }> = [
  { args: ['-a', 'fastest', app], code: 2, output: /option '-a, --algorithm <name>' argument 'fastest' is invalid\. Allowed choices are round-robin, / },
  { args: ['-w', 'two', app], code: 2, output: /option '-w, --workers <n>' argument 'two' is invalid\. expected a whole number >= 1/ },
  { args: ['--worker-metrics-timeout', '10000', app], code: 2, output: /option '--worker-metrics-timeout <ms>' argument '10000' is invalid\. expected a whole number from 1 to 9999/ },
  { args: ['-w', '3', '--weights', '5,1', '-l', '0', app], code: 2, output: /weights: 2 weights given for 3 workers \(\[5,1\]\); give one weight per worker \[PORTPLEX_WEIGHTS_MISMATCH\]/ },
  { args: ['--max-memory', '1 gig', app], code: 2, output: /option '--max-memory <size>' argument '1 gig' is invalid\. expected a size such as 512M or 1G .*, got "1 gig"\./ },
  { args: ['--max-memory', '512', app], code: 2, output: /argument '512' is invalid\. expected at least 1M \(a bare number is bytes: did you mean "512M"\?\)/ },
  { args: ['-l', '70000', app], code: 2, output: /listen\[0\]: expected a port number 0-65535, got "70000" \[PORTPLEX_INVALID_PORT\]/ },
  { args: ['-l', '0', 'no-such-app.js'], code: 2, output: /script: no such file: .*no-such-app\.js/ },
  { args: ['-c', 'no-such-config.json'], code: 2, output: /--config: cannot read .*no-such-config\.json/ },
  { args: [], code: 2, output: /missing <script>/ },
  { args: ['--env', 'production', app], code: 2, output: /--env: chooses the env_NAME of a PM2 ecosystem file: give the file with -c \[PORTPLEX_INVALID_OPTION\]/ },
];

for (const c of cases) {
  test(`portplex ${c.args.join(' ').replace(/\/\S*\//g, '')} exits ${c.code} and says why`, async () => {
    const cli = runCli(c.args);
    const { code } = await cli.exited;
    assert.equal(code, c.code, cli.output());
    assert.match(cli.output(), c.output);
  });
}

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
