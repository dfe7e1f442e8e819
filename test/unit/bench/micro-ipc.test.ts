// The IPC micro-benchmark runs end to end against its child (bench/apps/ipc-sink.js, plain
// JavaScript that the compiler does not check against src/ipc): a frame format change that
// breaks the child fails here, not an hour into `npm run bench`.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { measureIpc } from '../../../bench/micro/ipc.js';

test('measureIpc: 20 hand-overs each way come back acknowledged, with a CPU figure for each kind', async () => {
  const r = await measureIpc(20);
  assert.equal(r.messages, 20);
  for (const v of [r.plainCpuUs, r.handleCpuUs, r.frameCpuUs]) assert.ok(Number.isFinite(v) && v > 0, JSON.stringify(r));
});
