// The Notifier against a stand-in for systemd-notify: a script that appends its arguments to a
// file, one run per line, so order, coalescing and failure are seen as systemd would see them.
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Notifier } from '../../../src/systemd/notify.js';

function standIn(): { program: string; runs: () => string[]; done: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'portplex-notify-'));
  const log = join(dir, 'runs');
  const program = join(dir, 'systemd-notify');
  writeFileSync(program, `#!/bin/sh\necho "$*" >> '${log}'\n`);
  chmodSync(program, 0o755);
  return {
    program,
    runs: () => { try { return readFileSync(log, 'utf8').trim().split('\n'); } catch { return []; } },
    done: () => rmSync(dir, { recursive: true, force: true }),
  };
}

describe('Notifier', () => {
  it('sends in order, one run each; a newer STATUS or WATCHDOG replaces a waiting one of its kind', async () => {
    const s = standIn();
    try {
      const n = new Notifier(() => assert.fail('no warning'), s.program);
      n.send(['READY=1', 'STATUS=a']);
      n.send(['STATUS=b']);
      n.send(['WATCHDOG=1']);
      n.send(['STATUS=c']);
      n.send(['WATCHDOG=1']);
      n.send(['STOPPING=1']);
      await n.flushed();
      assert.equal(n.pending, 0);
      assert.deepEqual(s.runs(), ['READY=1 STATUS=a', 'STATUS=c', 'WATCHDOG=1', 'STOPPING=1']);
    } finally {
      s.done();
    }
  });

  it('a missing program: one warning naming it, and nothing more is tried', async () => {
    const warnings: string[] = [];
    const n = new Notifier((w) => warnings.push(w), '/nonexistent/systemd-notify');
    n.send(['READY=1']);
    n.send(['STOPPING=1']);
    await n.flushed();
    n.send(['STATUS=x']);
    await n.flushed();
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /NOTIFY_SOCKET is set, but notifying systemd failed.*\/nonexistent\/systemd-notify is not installed/);
  });
});
