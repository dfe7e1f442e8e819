import assert from 'node:assert/strict';
import { PassThrough, Writable } from 'node:stream';
import { test } from 'node:test';
import { WorkerOutput } from '../../../src/logs/worker-output.js';

/** A stream that keeps each write apart, to see how many there were. */
function recorder(): { stream: Writable; writes: string[] } {
  const writes: string[] = [];
  return { stream: new Writable({ write(b: Buffer, _e, cb) { writes.push(b.toString('utf8')); cb(); } }), writes };
}

test('text: one write of whole prefixed lines per read; the partial rest waits for its newline', async () => {
  const out = recorder();
  const err = recorder();
  const o = new WorkerOutput({ format: 'text', maxLine: 16384, severalGroups: false }, out.stream, err.stream);
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  o.attach(3, 'default', 42, stdout, stderr, new Promise(() => {}));
  stdout.write('a\nb\nhalf');
  stdout.write(' done\n');
  stderr.write('oops\n');
  stdout.end('tail');
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(out.writes, ['[3] a\n[3] b\n', '[3] half done\n', '[3] tail\n']);
  assert.deepEqual(err.writes, ['[3] oops\n']);
});

test('several groups name the group; json gives one object a line, cut parts marked', async () => {
  const text = recorder();
  new WorkerOutput({ format: 'text', maxLine: 16384, severalGroups: true }, text.stream, text.stream)
    .attach(2, 'api', 1, new PassThrough().end('x\n'), null, new Promise(() => {}));
  const json = recorder();
  const input = new PassThrough();
  new WorkerOutput({ format: 'json', maxLine: 256, severalGroups: false }, json.stream, json.stream).attach(1, 'web', 77, input, null, new Promise(() => {}));
  input.end(`${'y'.repeat(300)}\n`);
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(text.writes, ['[api:2] x\n']);
  assert.equal(json.writes.length, 1);
  const objects = json.writes[0]!.trimEnd().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(objects.map((o) => [o.worker, o.group, o.pid, o.stream, o.msg.length, o.cut ?? false]), [[1, 'web', 77, 'stdout', 256, true], [1, 'web', 77, 'stdout', 44, false]]);
});
