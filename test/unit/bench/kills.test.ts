import assert from 'node:assert/strict';
import { test } from 'node:test';
import { killsMarkdown, summariseKills, type KillRound } from '../../../bench/kills.js';

test('worker kills: failed requests per kill, median over rounds, and the totals', () => {
  const rounds: KillRound[] = [
    { setup: 'a', kills: 10, requests: 1000, failed: 5 },
    { setup: 'b', kills: 10, requests: 900, failed: 1 },
    { setup: 'a', kills: 8, requests: 800, failed: 8 },
    { setup: 'a', kills: 0, requests: 10, failed: 0 },
  ];
  const rows = summariseKills(rounds);
  assert.deepEqual(rows.map((r) => [r.setup, r.failed, r.kills, r.requests, r.rounds]), [['a', 13, 18, 1810, 3], ['b', 1, 10, 900, 1]]);
  assert.equal(rows[0]!.perKill, 0.75, 'median of 0.5 and 1; a round without kills is left out');
  assert.match(killsMarkdown(rows), /\| a \| 0\.75 \| 13 \/ 18 \/ 1810 \|/);
  assert.match(killsMarkdown(rows), /\| b \| 0\.10 \| 1 \/ 10 \/ 900 \|/);
});
