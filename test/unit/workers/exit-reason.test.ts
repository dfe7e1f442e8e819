import assert from 'node:assert/strict';
import { test } from 'node:test';
import { exitReason } from '../../../src/workers/exit-reason.js';
import type { ExitStatus, WorkerProcess } from '../../../src/workers/worker-process.js';
import { makeProcess } from './fakes.js';

const cases: Array<{ name: string; before?: (p: WorkerProcess) => void; exit: ExitStatus; expected: string }> = [
  { name: 'exit 0 unasked', exit: { code: 0, signal: null }, expected: 'exited with code 0 by itself' },
  { name: 'exit 3', exit: { code: 3, signal: null }, expected: 'exited with code 3' },
  { name: 'exit 0 after a stop', before: (p) => p.requestStop(), exit: { code: 0, signal: null }, expected: 'exited with code 0 after it was asked to stop' },
  { name: 'a signal nobody here sent', exit: { code: null, signal: 'SIGKILL' }, expected: 'was killed by SIGKILL from outside portplex' },
  { name: 'our SIGKILL', before: (p) => p.kill('SIGKILL'), exit: { code: null, signal: 'SIGKILL' }, expected: 'was killed by SIGKILL from portplex' },
  { name: 'our SIGKILL, then SIGTERM from outside', before: (p) => p.kill('SIGKILL'), exit: { code: null, signal: 'SIGTERM' }, expected: 'was killed by SIGTERM from outside portplex' },
  {
    name: 'a failed listen() goes with it',
    before: (p) => p.listenFailed("the app's listen(3000) failed: EADDRINUSE *:3000 is in use by another process"),
    exit: { code: 1, signal: null },
    expected: "exited with code 1; the app's listen(3000) failed: EADDRINUSE *:3000 is in use by another process",
  },
];

for (const c of cases) {
  test(`exitReason: ${c.name}`, () => {
    const { p } = makeProcess(1);
    c.before?.(p);
    p.markGone(c.exit);
    assert.equal(exitReason(p), c.expected);
  });
}

test('exitReason: a signal sent after the exit is not the one that ended it', () => {
  const { p } = makeProcess(1);
  p.markExited({ code: null, signal: 'SIGKILL' });
  p.kill('SIGKILL');
  p.markGone({ code: null, signal: 'SIGKILL' });
  assert.equal(exitReason(p), 'was killed by SIGKILL from outside portplex');
});

test('listenFailed: true for a new failure only', () => {
  const { p } = makeProcess(1);
  assert.deepEqual([p.listenFailed('a'), p.listenFailed('a'), p.listenFailed('b'), p.listenFailed('a')], [true, false, true, true]);
  assert.equal(p.listenFailure, 'a');
});
