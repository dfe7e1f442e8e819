// The master's warning about its place in the process tree: as PID 1, or under npm as PID 1.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { pid1Warning } from '../../../src/cli/pid1.js';

const roots: string[] = [];
after(() => { for (const r of roots) rmSync(r, { recursive: true, force: true }); });

/** A fake root whose /proc/1/cmdline holds `cmdline` (none when undefined). */
function withInit(cmdline: string | undefined): string {
  const root = mkdtempSync(join(tmpdir(), 'portplex-pid1-'));
  roots.push(root);
  if (cmdline !== undefined) {
    mkdirSync(join(root, 'proc/1'), { recursive: true });
    writeFileSync(join(root, 'proc/1/cmdline'), cmdline);
  }
  return root;
}

test('as PID 1 the master says orphans stay zombies, and which inits reap them', () => {
  const text = pid1Warning(1, withInit('node\0/app/node_modules/.bin/portplex\0app.js\0'));
  assert.ok(text !== undefined);
  assert.match(text, /^running as PID 1: processes orphaned by a worker's exit stay zombies/);
  for (const advice of ['docker run --init', 'tini', 'dumb-init', 'shareProcessNamespace: true']) assert.ok(text.includes(advice), advice);
  assert.doesNotMatch(text, /\n/, 'one line');
});

test('not PID 1, under an init that is not npm: no warning', () => {
  const inits = [
    '/sbin/init\0splash\0',
    '/lib/systemd/systemd\0--system\0',
    '/sbin/docker-init\0--\0node\0node_modules/.bin/portplex\0app.js\0',
    '/usr/bin/tini\0--\0portplex\0app.js\0',
    'node\0server.js\0',
    'npmx\0start\0',
    'node\0/srv/npm-tools/run.js\0',
    '',
    '\0\0\0',
    undefined,
  ];
  for (const init of inits) assert.equal(pid1Warning(4242, withInit(init)), undefined, JSON.stringify(init));
  assert.equal(pid1Warning(process.pid === 1 ? 2 : process.pid, withInit('/sbin/init\0')), undefined);
});

test('under npm as PID 1 (npx portplex, npm start): the stop signal never reaches the master', () => {
  const cases: Array<[string, string]> = [
    // npm rewrites its command line into its title, padded with spaces.
    ['npm exec portplex -l 8080 app.js' + ' '.repeat(20), 'npm exec portplex -l 8080 app.js'],
    ['npm start\0\0\0', 'npm start'],
    ['node\0/usr/local/bin/npx\0portplex\0app.js\0', 'node /usr/local/bin/npx portplex app.js'],
    ['/usr/local/bin/node\0/usr/local/lib/node_modules/npm/bin/npm-cli.js\0start\0', '/usr/local/bin/node /usr/local/lib/node_modules/npm/bin/npm-cli.js start'.slice(0, 57) + '...'],
  ];
  for (const [cmdline, shown] of cases) {
    const text = pid1Warning(4242, withInit(cmdline));
    assert.ok(text !== undefined, cmdline);
    assert.ok(text.startsWith(`PID 1 is npm (${shown}): a stop signal reaches the shell npm started portplex in, not portplex, so the workers are killed without draining;`), text);
    assert.match(text, /CMD \["node_modules\/\.bin\/portplex", \.\.\.\], under an init: `docker run --init`, tini or dumb-init/);
  }
});
