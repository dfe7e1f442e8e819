// `-l systemd:NAME` naming a socket systemd did not pass: the master does not start, and says
// which name is missing and which names it was given.
import assert from 'node:assert/strict';
import net from 'node:net';
import { test } from 'node:test';
import { CLI, fixture, freePort } from '../helpers/cluster.js';
import { listeningInodes, socketActivate } from '../helpers/socket-activate.js';
import { CODES, EXIT } from '../../src/errors.js';

test('a systemd:NAME listener with no socket of that name fails at start, naming it and the names passed', async () => {
  const [a, b] = [await freePort(), await freePort()];
  const run = await socketActivate([`127.0.0.1:${a}`, `127.0.0.1:${b}`], [process.execPath, CLI, '-w', '1', '-l', 'systemd:api', fixture('http-app.js')], { fdnames: ['web', 'admin'] });
  net.connect(a, '127.0.0.1').on('error', () => {}).unref();
  const exit = await run.exited;
  assert.equal(exit.code, EXIT.config, run.output());
  assert.match(run.output(), new RegExp(`^portplex: --listen: systemd passed no socket named "api"; the names it passed are "web" \\(fd 3\\), "admin" \\(fd 4\\) \\[${CODES.SYSTEMD_NAME}\\]$`, 'm'));
  assert.doesNotMatch(run.output(), /workers ready|listening on/);
  assert.deepEqual([...listeningInodes(a), ...listeningInodes(b)], [], 'nothing left listening');
});
