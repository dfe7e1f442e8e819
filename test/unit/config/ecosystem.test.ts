// PM2 ecosystem files as portplex configs: each cluster-mode app a group, PM2's values read as
// PM2 reads them, fork mode refused, unused keys listed for one warning.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fromEcosystem, isEcosystem } from '../../../src/config/ecosystem.js';
import { validateConfig } from '../../../src/config/validate.js';

const dir = mkdtempSync(join(tmpdir(), 'portplex-ecosystem-'));
after(() => rmSync(dir, { recursive: true, force: true }));
for (const f of ['api.js', 'web.js', 'app/server.js']) {
  mkdirSync(join(dir, f, '..'), { recursive: true });
  writeFileSync(join(dir, f), '');
}
const on = (cpus: number, env?: string) => ({ cpus, baseDir: dir, env });

/** The error fromEcosystem throws, as "CODE option: message". */
function refusal(value: unknown, cpus = 4, env?: string): string {
  try {
    fromEcosystem(value, on(cpus, env));
  } catch (err) {
    return `${(err as { code: string }).code} ${(err as Error).message}`;
  }
  assert.fail('no error');
}

test('an ecosystem file is an object with apps, or a list; a portplex config is neither', () => {
  assert.equal(isEcosystem({ apps: [] }), true);
  assert.equal(isEcosystem([{ script: 'api.js' }]), true);
  assert.equal(isEcosystem({ script: 'api.js', groups: {} }), false);
  assert.equal(isEcosystem(null), false);
});

test('a cluster-mode app of PM2\'s documentation becomes a group with every mapped key', () => {
  const { config, ignored } = fromEcosystem({
    apps: [{
      name: 'api',
      script: 'api.js',
      args: '--port-from-env --title "my api"',
      instances: 2,
      exec_mode: 'cluster',
      node_args: '--max-old-space-size=512 --enable-source-maps',
      env: { NODE_ENV: 'development', PORT: 3000, DEBUG: false },
      max_memory_restart: '300M',
      wait_ready: true,
      listen_timeout: 10000,
      kill_timeout: '5s',
      max_restarts: 10,
      min_uptime: '30s',
    }],
  }, on(4));
  assert.deepEqual(config, {
    groups: {
      api: {
        script: 'api.js', workers: 2, args: ['--port-from-env', '--title', 'my api'], execArgv: ['--max-old-space-size=512', '--enable-source-maps'],
        env: { NODE_ENV: 'development', PORT: '3000', DEBUG: 'false' }, maxMemory: 300 * 1024 ** 2, waitReady: true,
      },
    },
    readyTimeout: 10000, grace: 5000, maxRestarts: 10, minUptime: 30000,
  });
  assert.deepEqual(ignored, []);
  // What portplex's validator makes of it.
  const valid = validateConfig(config, dir);
  assert.deepEqual(valid.groups.map((g) => [g.name, g.workers, g.script, g.maxMemory, g.waitReady]), [['api', 2, join(dir, 'api.js'), 300 * 1024 ** 2, true]]);
  assert.equal(valid.listeners.length, 0, 'no listener: portplex serves what the apps listen on');
  assert.deepEqual([valid.grace, valid.readyTimeout, valid.maxRestarts, valid.minUptime], [5000, 10000, 10, 30000]);
});

test('instances as PM2 counts them: max and 0 every CPU, -1 all but one, numeric strings, 1 when absent', () => {
  const cases: Array<[unknown, number, number]> = [
    ['max', 4, 4], [0, 4, 4], [-1, 4, 3], [-1, 1, 1], [-3, 2, 1], [3, 8, 3], ['2', 8, 2], [' -1 ', 8, 7], [undefined, 8, 1],
  ];
  for (const [instances, cpus, workers] of cases) {
    const { config } = fromEcosystem({ apps: [{ name: 'api', script: 'api.js', exec_mode: 'cluster', instances }] }, on(cpus));
    assert.equal(config.groups!.api!.workers, workers, `instances ${JSON.stringify(instances)} on ${cpus} CPUs`);
  }
  for (const bad of ['many', 1.5, true, 2000, '']) {
    assert.match(refusal({ apps: [{ name: 'api', script: 'api.js', exec_mode: 'cluster', instances: bad }] }), /^PORTPLEX_INVALID_OPTION apps\[0\]\.instances: expected /, String(bad));
  }
});

test('args and node_args: a list as it is, a string split as a shell splits words', () => {
  const app = (extra: object) => fromEcosystem({ apps: [{ name: 'a', script: 'api.js', instances: 1, ...extra }] }, on(2)).config.groups!.a!;
  assert.deepEqual(app({ args: ['--a', 'b c'] }).args, ['--a', 'b c']);
  assert.deepEqual(app({ args: '  one  two\t"three four" --x=\'y z\' ""' }).args, ['one', 'two', 'three four', '--x=y z', '']);
  assert.deepEqual(app({ interpreter_args: '--inspect=0' }).execArgv, ['--inspect=0']);
  assert.deepEqual(app({ node_args: ['--expose-gc'] }).execArgv, ['--expose-gc']);
  assert.match(refusal({ apps: [{ name: 'a', script: 'api.js', instances: 1, args: 'an "open quote' }] }), /apps\[0\]\.args: a double quote that is never closed at character 4: no shell runs here/);
  assert.match(refusal({ apps: [{ name: 'a', script: 'api.js', instances: 1, args: 5 }] }), /apps\[0\]\.args: expected a string or a list of strings, got 5/);
  assert.match(refusal({ apps: [{ name: 'a', script: 'api.js', instances: 1, node_args: '-a', interpreter_args: '-b' }] }), /apps\[0\]\.interpreter_args: give node_args or interpreter_args, not both/);
});

test('env: numbers become strings; --env NAME applies env_NAME over env, as pm2 start --env', () => {
  const file = {
    apps: [
      { name: 'api', script: 'api.js', instances: 2, env: { NODE_ENV: 'development', PORT: 3000 }, env_production: { NODE_ENV: 'production' } },
      { name: 'web', script: 'web.js', instances: 1, env: { PORT: 3001 } },
    ],
  };
  assert.deepEqual(fromEcosystem(file, on(2)).config.groups!.api!.env, { NODE_ENV: 'development', PORT: '3000' });
  const prod = fromEcosystem(file, on(2, 'production')).config.groups!;
  assert.deepEqual(prod.api!.env, { NODE_ENV: 'production', PORT: '3000' });
  assert.deepEqual(prod.web!.env, { PORT: '3001' }, 'an app without env_production keeps its env');
  assert.match(refusal(file, 2, 'staging'), /^PORTPLEX_INVALID_OPTION --env: no app has env_staging \(the apps are api, web\)/);
  assert.match(refusal({ apps: [{ name: 'a', script: 'api.js', instances: 1, env: { X: { nested: 1 } } }] }), /apps\[0\]\.env\.X: expected a string, number or boolean/);
});

test('fork-mode apps are refused, naming the app and why; cluster mode as PM2 decides it', () => {
  assert.match(refusal({ apps: [{ name: 'api', script: 'api.js', instances: 2, exec_mode: 'cluster' }, { name: 'cron', script: 'web.js', exec_mode: 'fork' }] }),
    /^PORTPLEX_FORK_MODE apps\[1\]\.exec_mode: app "cron" is a fork-mode app \(exec_mode "fork"\)\. portplex serves cluster-mode apps: .*process manager's job/);
  assert.match(refusal({ apps: [{ name: 'worker', script: 'web.js' }] }), /^PORTPLEX_FORK_MODE apps\[0\]\.exec_mode: app "worker" is a fork-mode app \(no exec_mode and no instances: PM2 runs it in fork mode\)/);
  assert.match(refusal({ apps: [{ script: 'web.js', exec_mode: 'fork_mode', instances: 4 }] }), /the app of "web\.js" is a fork-mode app/);
  assert.match(refusal({ apps: [{ name: 'py', script: 'web.js', instances: 2, interpreter: 'python3' }] }), /^PORTPLEX_FORK_MODE apps\[0\]\.interpreter: "python3": app "py" runs under another interpreter/);
  assert.match(refusal({ apps: [{ name: 'a', script: 'web.js', exec_mode: 'clustered' }] }), /apps\[0\]\.exec_mode: expected "cluster"/);
  // No exec_mode but instances: PM2 runs a Node.js app in cluster mode (cluster_mode is PM2's old spelling).
  for (const app of [{ instances: 1 }, { instances: 'max' }, { exec_mode: 'cluster_mode' }, { instances: 2, interpreter: '/opt/node/bin/node' }]) {
    const { config } = fromEcosystem({ apps: [{ name: 'a', script: 'api.js', ...app }] }, on(2));
    assert.ok(config.groups!.a, JSON.stringify(app));
  }
});

test('keys with no meaning here are listed for one warning as apps[i].key; top-level keys too', () => {
  const { config, ignored } = fromEcosystem({
    apps: [
      { name: 'api', script: 'api.js', instances: 2, watch: true, out_file: '/var/log/api.log', env_production: {}, max_restarts: 3 },
      { name: 'web', script: 'server.js', cwd: 'app', exec_mode: 'cluster', merge_logs: true, autorestart: false, interpreter: '/usr/bin/node' },
    ],
    deploy: { production: {} },
  }, on(2));
  assert.deepEqual(ignored, ['deploy', 'apps[0].watch', 'apps[0].out_file', 'apps[1].merge_logs', 'apps[1].autorestart', 'apps[1].interpreter']);
  assert.deepEqual(Object.keys(config.groups!), ['api', 'web']);
  assert.equal(config.groups!.web!.cwd, 'app');
  assert.equal(config.maxRestarts, 3);
});

test('master-wide keys: apps that set one must agree; restart delays map onto the backoff', () => {
  const two = (a: object, b: object) => ({ apps: [{ name: 'a', script: 'api.js', instances: 1, ...a }, { name: 'b', script: 'web.js', instances: 1, ...b }] });
  assert.equal(fromEcosystem(two({ kill_timeout: 3000 }, { kill_timeout: '3s' }), on(2)).config.grace, 3000);
  assert.match(refusal(two({ kill_timeout: 3000 }, { kill_timeout: 1600 })),
    /^PORTPLEX_INVALID_OPTION apps\[1\]\.kill_timeout: 1600 differs from apps\[0\]\.kill_timeout \(3000\): portplex has one grace for all its groups/);
  const fixed = fromEcosystem(two({ restart_delay: 2000 }, {}), on(2)).config;
  assert.deepEqual([fixed.restartDelay, fixed.restartDelayMax], [2000, 2000]);
  assert.equal(fromEcosystem(two({ exp_backoff_restart_delay: 100 }, {}), on(2)).config.restartDelay, 100);
  assert.match(refusal(two({ min_uptime: 'soon' }, {})), /apps\[0\]\.min_uptime: expected a time in ms, or a string such as "30s"/);
  assert.match(refusal(two({ listen_timeout: 0 }, {})), /apps\[0\]\.listen_timeout: expected at least 1 ms, got 0/);
  assert.match(refusal(two({ max_restarts: -1 }, {})), /apps\[0\]\.max_restarts: expected a whole number >= 0, got -1/);
});

test('bad values name apps[i].key', () => {
  const one = (extra: object) => ({ apps: [{ name: 'a', script: 'api.js', instances: 1, ...extra }] });
  assert.match(refusal(one({ max_memory_restart: '300' })), /^PORTPLEX_INVALID_OPTION apps\[0\]\.max_memory_restart: expected at least 1M/);
  assert.match(refusal(one({ wait_ready: 'yes' })), /apps\[0\]\.wait_ready: expected true or false, got "yes"/);
  assert.match(refusal(one({ name: 'my app' })), /apps\[0\]\.name: expected a name of letters, digits, "-" or "_", up to 64 \(it names the portplex group\), got "my app"/);
  assert.match(refusal(one({ cwd: 7 })), /apps\[0\]\.cwd: expected a directory, got 7/);
  assert.match(refusal(one({ script: 'npm', args: 'start' })), /^PORTPLEX_SCRIPT_NOT_FOUND apps\[0\]\.script: no such file: .*\/npm \(from "npm"\); portplex runs a Node\.js script in each worker, not a command such as "npm"/);
  assert.match(refusal(one({ script: 'missing.js' })), /^PORTPLEX_SCRIPT_NOT_FOUND apps\[0\]\.script: no such file: .*missing\.js/);
  assert.match(refusal({ apps: [{ name: 'a', script: 'api.js', instances: 1 }, { name: 'a', script: 'web.js', instances: 1 }] }), /apps\[1\]\.name: expected a name no other app has \(apps\[0\] is "a" too/);
  assert.match(refusal({ apps: [] }), /^PORTPLEX_INVALID_OPTION apps: expected a list of at least one app/);
  assert.match(refusal({ apps: 'api.js' }), /^PORTPLEX_INVALID_OPTION apps: expected a list/);
  assert.match(refusal({ apps: [null] }), /apps\[0\]: expected an app object/);
  // Without a name, PM2 names an app after its script.
  assert.deepEqual(Object.keys(fromEcosystem({ apps: [{ script: 'app/server.js', instances: 1 }] }, on(1)).config.groups!), ['server']);
});
