// The lifecycle benchmark end to end on a tiny scale, portplex and Node's cluster only (no PM2
// install in a unit test): a stop with a delay, a reload and a crash under both loads. Counts
// only, no timing: what a session must hold however slow the machine.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LIFECYCLE_QUICK, lifecycleSection, runLifecycleBench } from '../../../bench/lifecycle.js';

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
