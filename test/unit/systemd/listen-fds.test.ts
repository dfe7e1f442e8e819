// LISTEN_PID, LISTEN_FDS and LISTEN_FDNAMES read as sd_listen_fds_with_names() reads them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CODES, EXIT, PortplexError } from '../../../src/errors.js';
import { parseListenFds, takeListenFds } from '../../../src/systemd/listen-fds.js';

const PID = 4242;

test('what LISTEN_* pass to this process, or why they are ignored', () => {
  const cases: Array<{ env: Record<string, string>; fds: Array<[number, string | undefined]>; ignored?: RegExp }> = [
    { env: {}, fds: [] },
    { env: { LISTEN_FDNAMES: 'web' }, fds: [] },
    { env: { LISTEN_PID: String(PID), LISTEN_FDS: '1' }, fds: [[3, undefined]] },
    { env: { LISTEN_PID: String(PID), LISTEN_FDS: '3', LISTEN_FDNAMES: 'web:dns:web' }, fds: [[3, 'web'], [4, 'dns'], [5, 'web']] },
    // An empty name is no name (FileDescriptorName= unset for that socket).
    { env: { LISTEN_PID: String(PID), LISTEN_FDS: '2', LISTEN_FDNAMES: ':admin' }, fds: [[3, undefined], [4, 'admin']] },
    // Ours, but nothing passed.
    { env: { LISTEN_PID: String(PID) }, fds: [] },
    // Another process's (a parent that forgot to unset them, a shell that ran us): ignored, said.
    { env: { LISTEN_PID: '1', LISTEN_FDS: '2' }, fds: [], ignored: /^LISTEN_PID="1" is not this process \(pid 4242\)/ },
    { env: { LISTEN_PID: String(PID + 1), LISTEN_FDS: '1', LISTEN_FDNAMES: 'web' }, fds: [], ignored: /is not this process/ },
    { env: { LISTEN_PID: 'abc', LISTEN_FDS: '1' }, fds: [], ignored: /^LISTEN_PID="abc" is not this process/ },
    { env: { LISTEN_PID: `0${PID}`, LISTEN_FDS: '1' }, fds: [], ignored: /is not this process/ },
    // sd_listen_fds() needs LISTEN_PID: without it, the sockets are not known to be ours.
    { env: { LISTEN_FDS: '2' }, fds: [], ignored: /^LISTEN_FDS="2" is set without LISTEN_PID, so it is not for this process \(pid 4242\); ignored$/ },
  ];
  for (const c of cases) {
    const r = parseListenFds(c.env, PID);
    assert.deepEqual(r.fds.map((f) => [f.fd, f.name]), c.fds, JSON.stringify(c.env));
    if (c.ignored) assert.match(r.ignored ?? '', c.ignored, JSON.stringify(c.env));
    else assert.equal(r.ignored, undefined, JSON.stringify(c.env));
  }
});

test('LISTEN_FDS and LISTEN_FDNAMES for this process that cannot be read fail with PORTPLEX_SYSTEMD_ENV, naming the variable and the value', () => {
  const cases: Array<[Record<string, string>, RegExp]> = [
    [{ LISTEN_FDS: 'two' }, /^LISTEN_FDS: expected the number of sockets passed \(1 or more\), got "two"$/],
    [{ LISTEN_FDS: '0' }, /^LISTEN_FDS: expected the number of sockets passed \(1 or more\), got "0"$/],
    [{ LISTEN_FDS: '-1' }, /got "-1"/],
    [{ LISTEN_FDS: '1.5' }, /got "1\.5"/],
    [{ LISTEN_FDS: '' }, /got ""/],
    [{ LISTEN_FDS: '5000' }, /^LISTEN_FDS: 5000 sockets passed; portplex takes 1024 at most$/],
    [{ LISTEN_FDS: '2', LISTEN_FDNAMES: 'web' }, /^LISTEN_FDNAMES: 1 name\(s\) \("web"\) for LISTEN_FDS=2 socket\(s\)/],
    [{ LISTEN_FDS: '1', LISTEN_FDNAMES: 'web:dns' }, /^LISTEN_FDNAMES: 2 name\(s\) \("web:dns"\) for LISTEN_FDS=1 socket\(s\)/],
  ];
  for (const [env, message] of cases) {
    assert.throws(() => parseListenFds({ LISTEN_PID: String(PID), ...env }, PID), (err: unknown) => {
      assert.ok(err instanceof PortplexError);
      assert.equal(err.code, CODES.SYSTEMD_ENV);
      assert.equal(err.exitCode, EXIT.config);
      assert.match(err.message, message);
      return true;
    }, JSON.stringify(env));
  }
});

test('takeListenFds removes the three variables, whether they were for this process, for another, or unreadable', () => {
  const cases: Array<Record<string, string>> = [
    { LISTEN_PID: String(PID), LISTEN_FDS: '1', LISTEN_FDNAMES: 'web', OTHER: 'kept' },
    { LISTEN_PID: '1', LISTEN_FDS: '1', LISTEN_FDNAMES: 'web', OTHER: 'kept' },
    { LISTEN_PID: String(PID), LISTEN_FDS: 'x', LISTEN_FDNAMES: 'web', OTHER: 'kept' },
  ];
  for (const env of cases) {
    try {
      takeListenFds(env, PID);
    } catch {
      // Unreadable: thrown, and removed all the same.
    }
    assert.deepEqual(env, { OTHER: 'kept' });
  }
});
