// `portplex top` at 200x50 over a real master of 4 workers: every column is there (group, heap,
// loop, restarts, uptime too), the history is 20 samples wide, the rows agree with status, and
// q exits 0 with the terminal restored.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { waitFor } from '../helpers/cluster.js';
import { assertAgrees, paneRows, statusJson, topRig } from '../helpers/top-terminal.js';

const INTERVAL = 300;

test('top at 200x50: every column, rows that agree with status, q exits 0', async () => {
  const rig = await topRig('200x50', 200, 50, INTERVAL);
  try {
    const { pane, sock } = rig;
    await pane.waitFor('four worker rows with conn/s above 0', (t) => paneRows(t).length === 4 && paneRows(t).some((r) => r.connPerSecond > 0));
    const before = await statusJson(sock);
    const capturedAt = Date.now();
    const text = await pane.capture();
    const after = await statusJson(sock);
    assertAgrees(paneRows(text), capturedAt, rig.samples, before, after, INTERVAL, text);
    assert.match(text, /\n +id +group +pid +state +health +weight +active +conn\/s +history {13,} +cpu +mem +heap +loop +restarts +uptime\n/);
    for (const row of text.split('\n').filter((l) => /^[ >] +\d+ +default /.test(l))) {
      assert.match(row, /^[ >] +\d +default +\d+ +ready +up +1 +\d+ +[\d.]+ [ ▁-█]{20} +\d+\.\d% +\d+\.\dM +\d+\.\dM +\d+ms +0 +\d+s$/, row);
    }
    for (const l of text.split('\n')) assert.ok([...l].length <= 200, l);
    assert.equal(text.split('\n').at(-2), 'q quit  ↑↓ select  d drain  u undrain  r reload  s sort  ? help', 'the key line on the last row');
    // s: by conn/s, the header says so.
    await pane.send('s');
    await pane.waitFor('the sort by conn/s', (t) => /sort: conn\/s/.test(t));
    await pane.send('q');
    await waitFor(() => rig.exitCode() !== undefined, 10000, 'top to exit');
    assert.equal(rig.exitCode(), 0);
    assert.equal(await pane.display('#{alternate_on} #{cursor_flag}'), '0 1');
  } finally {
    await rig.close();
  }
});
