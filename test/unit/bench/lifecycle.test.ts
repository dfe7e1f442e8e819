// The lifecycle benchmark end to end on a tiny scale, portplex and Node's cluster only (no PM2
// install in a unit test): a stop with a delay, a reload and a crash under both loads, and the
// restart and upgrade with a socket held as systemd holds it. Counts only, no timing: what a
// session must hold however slow the machine.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LifecycleSession } from '../../../bench/lifecycle-report.js';
import { heldUnavailable } from '../../../bench/lifecycle-systemd.js';
import { LIFECYCLE_QUICK, lifecycleSection, plans, runLifecycleBench } from '../../../bench/lifecycle.js';
import { mainpidNote, type MainpidCheck } from '../../../bench/notify-socket.js';

test('lifecycle: each session counts its events and every request it sent; n/a cells say why', async () => {
  const o = { ...LIFECYCLE_QUICK, loops: 4, warmMs: 200, tailMs: 200, kills: 1 };
  const r = await runLifecycleBench(o, { setups: ['portplex', 'cluster'], events: ['sigterm-delay', 'reload', 'crash'] });
  assert.deepEqual(r.errors, []);
  const got = r.sessions.map((s) => `${s.load} ${s.setup} ${s.event}`);
  assert.deepEqual(got, [
    'new-connection portplex sigterm-delay', 'new-connection portplex reload', 'new-connection portplex crash', 'new-connection cluster crash',
    'keep-alive portplex sigterm-delay', 'keep-alive portplex reload', 'keep-alive portplex crash', 'keep-alive cluster crash',
  ]);
  for (const s of r.sessions) {
    assert.ok(s.sent > 0, `${s.event}: requests were sent`);
    assert.equal(s.answered + s.failed, s.sent);
    assert.equal(Object.values(s.reasons).reduce((a, b) => a + b, 0), s.failed);
    assert.equal(s.events, 1, `${s.setup} ${s.event}: one event`);
  }
  // The stop is graceful: the master exits by itself, and with status 0 once every worker finished.
  for (const s of r.sessions.filter((x) => x.event === 'sigterm-delay')) assert.equal(s.note, 'exit status 0');
  assert.deepEqual(r.gaps.map((g) => `${g.setup} ${g.event} ${g.kind}`), ['cluster sigterm-delay n/a', 'cluster reload n/a']);
  const md = lifecycleSection(r);
  assert.match(md, /\| worker crash \(SIGKILL\) \| [^|]+ \| [^|]+ \| - \|/);
  assert.match(md, /the cluster module has no reload/);
});

test('lifecycle: a socket held as systemd holds it: restart and upgrade, or skipped with the reason', async () => {
  const o = { ...LIFECYCLE_QUICK, loops: 4, warmMs: 200, tailMs: 200 };
  const events = ['restart-systemd', 'upgrade-systemd'];
  // Without the tools, the cells say skipped and why, and nothing runs.
  const missing = plans(o, { tmp: '/nonexistent', heldUnavailable: () => 'no systemd-socket-activate here' }, { skipped: 'no PM2' })
    .filter((p) => events.includes(p.event) && p.setup === 'portplex');
  assert.deepEqual(missing.map((p) => ('why' in p ? `${p.event} ${p.kind}: ${p.why}` : p.event)), ['restart-systemd skipped: no systemd-socket-activate here', 'upgrade-systemd skipped: no systemd-socket-activate here']);
  const own = plans(o, { tmp: '/nonexistent' }, { skipped: 'no PM2' }).filter((p) => p.event === 'restart');
  assert.deepEqual(own.map((p) => ('why' in p ? `${p.setup} ${p.why}` : p.setup)), ['portplex not in quick runs', 'cluster not in quick runs', 'pm2 not in quick runs']);

  // CI installs the tools (.ci/run): without them this fails and says what is missing, never skips.
  const why = heldUnavailable(true);
  assert.equal(why, null, `the systemd rows need: ${why}`);
  const r = await runLifecycleBench(o, { setups: ['portplex'], events, loads: ['new-connection'] });
  assert.deepEqual(r.errors, []);
  assert.deepEqual(r.sessions.map((s) => s.event), events);
  for (const s of r.sessions) {
    assert.ok(s.sent > 0, `${s.event}: requests were sent`);
    assert.equal(s.answered + s.failed, s.sent);
    assert.equal(s.events, 1, `${s.event}: one event`);
    // The socket stays open all along: nothing can be refused, whatever the machine's speed.
    assert.equal(s.reasons.ECONNREFUSED ?? 0, 0, `${s.event}: no connection refused`);
  }
  const [restarted, upgraded] = r.sessions as [LifecycleSession, LifecycleSession];
  assert.equal(restarted.note, 'exit status 0', 'the old master drained and exited by itself');
  const heard = upgraded.systemd!;
  assert.equal(heard.upgrades.length, 1);
  const [u] = heard.upgrades as [MainpidCheck];
  assert.notEqual(u.verdict, 'never', 'the new master said MAINPID=');
  assert.equal(u.stopping, 0, 'the old master did not say STOPPING=1');
  // The order of MAINPID= and the old master's exit is what the bench reports, not asserted here.
  assert.deepEqual(heard.notifications, ['READY=1', 'RELOADING=1 MONOTONIC_USEC', `MAINPID=${u.newPid} READY=1`]);
  assert.equal(upgraded.note, mainpidNote([u]));
  assert.match(lifecycleSection(r), /\| master restart under systemd: the socket held by a \.socket unit \| [^|]+ \[1\] \| - \| - \|/);
});
