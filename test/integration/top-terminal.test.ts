// `portplex top` in a real terminal (tmux, 80x24) over a real master of 4 workers under a little
// load: its rows agree with `status --json`; a worker killed with SIGKILL shows as an exit event
// and its row's new pid; `d` and `u` drain and undrain the selected worker; `q` exits 0 with the
// terminal restored. The pane, in colour, becomes docs/images/top.png (with
// PORTPLEX_WRITE_SCREENSHOTS=1; otherwise a PNG in a temporary directory, checked the same way).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { terminalPage } from '../helpers/ansi-html.js';
import { screenshot } from '../helpers/chromium.js';
import { ROOT, waitFor } from '../helpers/cluster.js';
import { assertAgrees, paneRows, statusJson, topRig } from '../helpers/top-terminal.js';

const INTERVAL = 500;
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

test('top at 80x24: rows agree with status; a SIGKILL shows as an event and a new pid; d, u drain and undrain; q exits 0', async () => {
  const rig = await topRig('80x24', 80, 24, INTERVAL);
  const shots = mkdtempSync(join(tmpdir(), 'portplex-top-shot-'));
  try {
    const { pane, sock } = rig;
    // Every worker listed, and some of the load seen (conn/s above 0).
    await pane.waitFor('four worker rows with conn/s above 0', (t) => paneRows(t).length === 4 && paneRows(t).some((r) => r.connPerSecond > 0));
    assert.equal(await pane.display('#{alternate_on} #{cursor_flag}'), '1 0', 'alternate screen, cursor hidden');

    // The rows against status, taken just before and right after the capture.
    const before = await statusJson(sock);
    await waitFor(() => rig.samples.length > 0 && rig.samples.at(-1)!.at > Date.now() - 1000, 5000, 'status samples');
    const capturedAt = Date.now();
    const text = await pane.capture();
    const after = await statusJson(sock);
    const rows = paneRows(text);
    assertAgrees(rows, capturedAt, rig.samples, before, after, INTERVAL, text);
    assert.deepEqual(rows.map((r) => r.id), [1, 2, 3, 4]);
    assert.deepEqual(rows.map((r) => r.selected), [true, false, false, false]);
    for (const l of text.split('\n')) assert.ok([...l].length <= 80, l);
    assert.match(text, /^portplex \d+\.\d+\.\d+ +master \d+ serving /);
    assert.match(text, /\nlistener 0 +tcp 127\.0\.0\.1:\d+ +default +round-robin +[\d.]+ conn\/s +queue 0\n/);

    // A worker killed from outside: its exit in the footer, then its row with the new pid.
    const old = after.workers.find((w) => w.id === 2)!.pid;
    process.kill(old, 'SIGKILL');
    const exitLine = new RegExp(`^\\d\\d:\\d\\d:\\d\\d exit +worker 2 \\(pid ${old}\\) was killed by SIGKILL`, 'm');
    await pane.waitFor('the exit event of worker 2', (t) => exitLine.test(t));
    const restarted = await pane.waitFor('worker 2 with a new pid, ready', (t) => paneRows(t).some((r) => r.id === 2 && r.pid !== old && r.state === 'ready'));
    const fresh = (await statusJson(sock)).workers.find((w) => w.id === 2)!;
    assert.equal(paneRows(restarted).find((r) => r.id === 2)!.pid, fresh.pid);
    assert.notEqual(fresh.pid, old);
    assert.match(restarted, new RegExp(`^\\d\\d:\\d\\d:\\d\\d restart +worker 2 `, 'm'));

    // j selects worker 2; d drains it.
    await pane.send('j');
    await pane.waitFor('worker 2 selected', (t) => paneRows(t).find((r) => r.selected)?.id === 2);
    await pane.send('d');
    let weight = -1;
    for (const end = Date.now() + 10000; weight !== 0; await new Promise((r) => setTimeout(r, 50))) {
      assert.ok(Date.now() < end, `status never showed worker 2 drained (weight ${weight})`);
      weight = (await statusJson(sock)).workers.find((w) => w.id === 2)!.weight;
    }
    const drained = await pane.waitFor('worker 2 at weight 0 in the pane', (t) => paneRows(t).find((r) => r.id === 2)?.weight === 0);
    assert.match(drained, new RegExp(`drain: worker 2 \\(pid ${fresh.pid}\\) weight 0, draining, \\d+ active`));
    assert.ok(paneRows(drained).filter((r) => r.id !== 2).every((r) => r.weight === 1));

    // The screenshot: this pane, in its colours.
    const coloured = await pane.capture(true);
    assert.match(coloured, /\x1b\[[0-9;]*m/, 'colours in the pane');
    const html = join(shots, 'top.html');
    writeFileSync(html, terminalPage(coloured, 80, 24, 'portplex top'));
    const png = process.env.PORTPLEX_WRITE_SCREENSHOTS === '1' ? join(ROOT, 'docs/images/top.png') : join(shots, 'top.png');
    mkdirSync(join(png, '..'), { recursive: true });
    await screenshot(pathToFileURL(html).href, png, 80 * 9 + 16, 24 * 17 + 16);
    assert.ok(statSync(png).size > 2000, `${png} is ${statSync(png).size} bytes`);
    assert.deepEqual(readFileSync(png).subarray(0, 8), PNG_SIGNATURE);

    // u gives it back its weight.
    await pane.send('u');
    for (const end = Date.now() + 10000; weight !== 1; await new Promise((r) => setTimeout(r, 50))) {
      assert.ok(Date.now() < end, `status never showed worker 2 undrained (weight ${weight})`);
      weight = (await statusJson(sock)).workers.find((w) => w.id === 2)!.weight;
    }
    await pane.waitFor('worker 2 at weight 1 in the pane', (t) => paneRows(t).find((r) => r.id === 2)?.weight === 1);

    // q: top exits 0, and the terminal is the shell's again.
    await pane.send('q');
    await waitFor(() => rig.exitCode() !== undefined, 10000, 'top to exit');
    assert.equal(rig.exitCode(), 0);
    assert.equal(await pane.display('#{alternate_on} #{cursor_flag}'), '0 1', 'main screen, cursor shown');
  } finally {
    await rig.close();
    rmSync(shots, { recursive: true, force: true });
  }
});
