import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mainpidCheck, mainpidNote, mainpidText, notifySequence, type MainpidCheck, type NotifyMessage } from '../../../bench/notify-socket.js';

const msg = (sentUsec: number, ...fields: string[]): NotifyMessage => ({ fields, usec: sentUsec + 5000, sentUsec });

describe('what systemd heard of an upgrade', () => {
  // The old master (pid 10) was seen running at 1,000,000 µs, and gone at 1,010,000 µs.
  const watch = { lastAliveUsec: 1_000_000, goneUsec: 1_010_000 };
  const cases: Array<{ name: string; messages: NotifyMessage[]; verdict: MainpidCheck['verdict']; lead: MainpidCheck['leadMs']; stopping: number; ok: boolean }> = [
    { name: 'sent while the old master ran', messages: [msg(900_000, 'RELOADING=1'), msg(950_000, 'MAINPID=11', 'READY=1')], verdict: 'before', lead: { min: 50, max: 60 }, stopping: 0, ok: true },
    { name: 'sent after it was gone', messages: [msg(1_030_000, 'MAINPID=11', 'READY=1')], verdict: 'after', lead: { min: -30, max: -20 }, stopping: 0, ok: false },
    { name: 'sent between the two looks', messages: [msg(1_004_000, 'MAINPID=11', 'READY=1')], verdict: 'unclear', lead: { min: -4, max: 6 }, stopping: 0, ok: false },
    { name: 'never sent (another pid is not it)', messages: [msg(950_000, 'MAINPID=12', 'READY=1')], verdict: 'never', lead: null, stopping: 0, ok: false },
    { name: 'in time, but STOPPING=1 before the exit', messages: [msg(950_000, 'MAINPID=11', 'READY=1'), msg(960_000, 'STOPPING=1'), msg(2_000_000, 'STOPPING=1')], verdict: 'before', lead: { min: 50, max: 60 }, stopping: 1, ok: false },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(mainpidCheck(c.messages, 10, 11, watch), { oldPid: 10, newPid: 11, verdict: c.verdict, leadMs: c.lead, stopping: c.stopping, ok: c.ok });
    });
  }

  it('without the kernel\'s timestamp, the read time; an old master that outlived the watch has no upper bound', () => {
    const c = mainpidCheck([{ fields: ['MAINPID=11'], usec: 999_000 }], 10, 11, { lastAliveUsec: 1_000_000, goneUsec: null });
    assert.deepEqual([c.verdict, c.leadMs], ['before', { min: 1, max: null }]);
    assert.equal(mainpidCheck([{ fields: ['MAINPID=11'], usec: 1_001_000 }], 10, 11, { lastAliveUsec: 1_000_000, goneUsec: null }).verdict, 'unclear');
  });

  it('the sequence leaves out STATUS= and WATCHDOG=1, and MONOTONIC_USEC=\'s value', () => {
    assert.deepEqual(notifySequence([
      msg(1, 'READY=1', 'STATUS=serving: 2/2 workers ready, 0 connections'),
      msg(2, 'STATUS=serving: 2/2 workers ready, 3 connections'),
      msg(3, 'WATCHDOG=1'),
      msg(4, 'RELOADING=1', 'MONOTONIC_USEC=123456', 'STATUS=upgrading'),
      msg(5, 'MAINPID=11', 'READY=1', 'STATUS=serving'),
    ]), ['READY=1', 'RELOADING=1 MONOTONIC_USEC', 'MAINPID=11 READY=1']);
  });

  it('the note names what went wrong, counted over the upgrades; the log line gives the bounds', () => {
    const check = (verdict: MainpidCheck['verdict'], stopping = 0, leadMs: MainpidCheck['leadMs'] = { min: 1, max: 2 }): MainpidCheck => ({ oldPid: 1, newPid: 2, verdict, leadMs, stopping, ok: verdict === 'before' && stopping === 0 });
    assert.equal(mainpidNote([check('before'), check('before')]), 'NOTIFY_SOCKET: MAINPID= of each new master sent before the old one exited, and no STOPPING=1');
    assert.equal(mainpidNote([check('after'), check('before')]), 'MAINPID= of the new master sent after the old one exited (1 of 2 upgrades)');
    assert.equal(mainpidNote([check('never', 0, null)]), 'no MAINPID= from the new master (1 of 1 upgrade)');
    assert.equal(mainpidNote([check('unclear'), check('before', 2)]),
      'MAINPID= of the new master sent too close to the old one\'s exit to tell which came first (1 of 2 upgrades); STOPPING=1 sent during an upgrade (1 of 2 upgrades)');
    assert.equal(mainpidText([check('before', 0, { min: 27, max: 36.9 }), check('after', 0, { min: -42.6, max: -31.3 }), check('never', 0, null), check('unclear', 0, { min: -2, max: 7.5 }), check('before', 0, { min: 3, max: null })]),
      'MAINPID= 27-36.9 ms before the old master\'s exit, MAINPID= 31.3-42.6 ms after the old master\'s exit, MAINPID= never sent, ' +
      'MAINPID= 2 ms after the old master was last seen running, 7.5 ms before it was seen gone, MAINPID= 3+ ms before the old master\'s exit');
  });
});
