import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createBalancer, createSourceHash } from '../../../src/balancers/index.js';
import type { ClientInfo } from '../../../src/balancers/balancer.js';
import { ConnectionTable } from '../../../src/table/connection-table.js';
import { State } from '../../../src/table/types.js';
import { Pool, type PoolLimits } from '../../../src/workers/pool.js';
import type { Worker } from '../../../src/workers/worker.js';
import type { WorkerProcess } from '../../../src/workers/worker-process.js';
import { handoff, makeWorker } from './fakes.js';

const T = 1_000_000;
const LIMITS: PoolLimits = { window: 4, slowAfterMs: 20, activeWithinMs: 2 };
const CLIENT: ClientInfo = { address: '192.0.2.1', port: 40000 };
const FRAME = Buffer.alloc(0);

interface Setup {
  pool: Pool;
  table: ConnectionTable;
  workers: Worker[];
  /** The process of worker i (ids start at 1). */
  p(id: number): WorkerProcess;
}

function setup(algorithm: string, n: number, limits: PoolLimits = LIMITS, options: { weights?: number[]; max?: number; sticky?: boolean } = {}): Setup {
  const table = new ConnectionTable();
  const pool = new Pool(0, 0, 'default', createBalancer(algorithm), table, limits, options.sticky ? createSourceHash() : undefined);
  const workers: Worker[] = [];
  for (let id = 1; id <= n; id++) {
    const { worker } = makeWorker(id, { weight: options.weights?.[id - 1], max: options.max });
    workers.push(worker);
    pool.add(worker);
  }
  return { pool, table, workers, p: (id) => workers[id - 1]!.process! };
}

let nextId = 1;

/** A hand-over to `p` that left at `since`; with a table, its record is assigned to the worker too. */
function send(p: WorkerProcess, since: number, table?: ConnectionTable): number {
  const id = nextId++;
  p.handOver(handoff(id, since), FRAME);
  if (table) assign(table, p.workerId, 1, since);
  return id;
}

/** `p` answered for a hand-over at `at` (one sent and settled then). */
function answered(p: WorkerProcess, at: number): void {
  p.settle(send(p, at), at);
}

/** `n` established records of worker `worker` in the table. */
function assign(table: ConnectionTable, worker: number, n: number, now = T): void {
  for (let i = 0; i < n; i++) {
    const id = table.add('tcp', '198.51.100.1', 1000 + table.size, 0, State.Queued, now);
    table.assign(id, worker, 100 + worker, now);
  }
}

/** The ids of `n` picks at `now`, with no hand-over made. */
function picks(pool: Pool, now: number, n: number, avoid = 0): Array<number | undefined> {
  return Array.from({ length: n }, () => pool.pick(CLIENT, now, avoid)?.id);
}

describe("Pool: 'idle-first' (round-robin)", () => {
  it('takes idle workers in turn', () => {
    const s = setup('round-robin', 3);
    assert.deepEqual(picks(s.pool, T, 6), [1, 2, 3, 1, 2, 3]);
  });

  it('skips a worker with a hand-over in flight while another is idle, however fast it answers', () => {
    const s = setup('round-robin', 3);
    answered(s.p(2), T - 1);
    send(s.p(2), T);
    assert.deepEqual(picks(s.pool, T, 4), [1, 3, 1, 3]);
  });

  it('with none idle, picks among those reading their pipe (answered since their oldest left)', () => {
    const s = setup('round-robin', 3);
    // 1 and 3 each have one in flight that left before their last answer; 2's left after it.
    for (const id of [1, 3]) {
      send(s.p(id), T - 15);
      answered(s.p(id), T - 10);
    }
    answered(s.p(2), T - 13);
    send(s.p(2), T - 12);
    assert.deepEqual(picks(s.pool, T, 4), [1, 3, 1, 3]);
    // More sent to them do not change it: their oldest still left before their last answer.
    for (const id of [1, 3]) send(s.p(id), T);
    assert.deepEqual(picks(s.pool, T, 2), [1, 3]);
  });

  it('with none idle, also picks those that answered within activeWithinMs', () => {
    const s = setup('round-robin', 3);
    // Each has one in flight that left after its last answer.
    const cases: Array<[id: number, answered: number]> = [[1, T - 1], [2, T - 3], [3, T - 2]];
    for (const [id, at] of cases) {
      answered(s.p(id), at);
      send(s.p(id), at);
    }
    // 1 answered 1 ms ago, 3 answered 2 ms ago (the bound counts), 2 answered 3 ms ago.
    assert.deepEqual(picks(s.pool, T, 4), [1, 3, 1, 3]);
    assert.deepEqual(picks(s.pool, T + 1, 2), [1, 1], 'a ms later, only 1 is still within 2 ms');
    assert.deepEqual(picks(s.pool, T + 10, 2), [undefined, undefined], 'none answering: the connection waits');
  });

  it('a worker that never answered since its hand-over left gets nothing while another can take it', () => {
    const s = setup('round-robin', 2);
    send(s.p(1), T - 1);
    const first = send(s.p(2), T - 3);
    answered(s.p(2), T - 1);
    assert.deepEqual(picks(s.pool, T, 3), [2, 2, 2]);
    // 2 is sent more: it reads its pipe still (its oldest left before its answer); 1 gets none.
    const second = send(s.p(2), T);
    assert.deepEqual(picks(s.pool, T + 3, 2), [2, 2]);
    // 2 answers all it had, and the one it is sent next leaves after that answer: 3 ms later
    // neither may take more.
    s.p(2).settle(first, T + 3);
    s.p(2).settle(second, T + 3);
    send(s.p(2), T + 3);
    assert.deepEqual(picks(s.pool, T + 6, 2), [undefined, undefined]);
  });

  it('a worker that stopped answering gets nothing once its last answer is activeWithinMs old', () => {
    const s = setup('round-robin', 2);
    // 1 answered at T-3, then was sent one at T-3 it has not answered.
    answered(s.p(1), T - 3);
    send(s.p(1), T - 3);
    // 2 was sent one at T-5 and has answered since.
    send(s.p(2), T - 5);
    answered(s.p(2), T - 4);
    assert.deepEqual(picks(s.pool, T, 3), [2, 2, 2]);
  });

  it('never picks a worker whose oldest hand-over has waited more than slowAfterMs', () => {
    const s = setup('round-robin', 2);
    send(s.p(1), T - 21);
    answered(s.p(1), T - 1);
    send(s.p(2), T - 5);
    answered(s.p(2), T - 1);
    assert.deepEqual(picks(s.pool, T, 3), [2, 2, 2]);
    const alone = setup('round-robin', 1);
    send(alone.p(1), T - 20);
    answered(alone.p(1), T);
    assert.equal(alone.pool.pick(CLIENT, T)?.id, 1, 'at exactly slowAfterMs it still may');
    assert.equal(alone.pool.pick(CLIENT, T + 1), undefined, 'past it, not even alone');
  });

  it('never picks a worker with its window full', () => {
    const s = setup('round-robin', 2, { ...LIMITS, window: 2 });
    for (const id of [1, 2]) send(s.p(id), T - 3);
    send(s.p(1), T - 2);
    for (const id of [1, 2]) answered(s.p(id), T - 1);
    assert.deepEqual([s.p(1).inFlight, s.p(2).inFlight], [2, 1]);
    assert.deepEqual(picks(s.pool, T, 3), [2, 2, 2]);
    send(s.p(2), T);
    assert.deepEqual(picks(s.pool, T, 1), [undefined]);
  });

  it('never returns the avoided worker', () => {
    const s = setup('round-robin', 3);
    assert.deepEqual(picks(s.pool, T, 4, 2), [1, 3, 1, 3]);
    const alone = setup('round-robin', 1);
    assert.equal(alone.pool.pick(CLIENT, T, 1), undefined);
    assert.equal(alone.pool.avoided, 1);
    assert.equal(alone.pool.pick(CLIENT, T)?.id, 1, 'the next pick may return it');
  });

  it('leaves out workers that do not accept, are drained or are at their max', () => {
    const s = setup('round-robin', 4, LIMITS, { max: 2 });
    s.p(1).markFull();
    s.workers[1]!.setWeight(0);
    assign(s.table, 3, 2);
    assert.deepEqual(picks(s.pool, T, 2), [4, 4]);
  });
});

describe("Pool: 'responsive' (least-connections)", () => {
  it('is not filtered by idleness: exact counts decide, hand-overs in flight counted', () => {
    const s = setup('least-connections', 3);
    assign(s.table, 1, 2);
    assign(s.table, 3, 1);
    // 2 has one in flight it has never answered, yet is among the least loaded.
    send(s.p(2), T - 10, s.table);
    assert.deepEqual([1, 2, 3].map((id) => s.table.activeCount(id)), [2, 1, 1]);
    assert.deepEqual(picks(s.pool, T, 4), [2, 3, 2, 3]);
  });

  it('is filtered by slowAfterMs', () => {
    const s = setup('least-connections', 3);
    assign(s.table, 1, 2);
    assign(s.table, 3, 1);
    send(s.p(2), T - 21, s.table);
    assert.deepEqual(picks(s.pool, T, 3), [3, 3, 3]);
  });

  it('is filtered by the window', () => {
    const s = setup('least-connections', 3, { ...LIMITS, window: 2 });
    assign(s.table, 1, 5);
    assign(s.table, 3, 3);
    send(s.p(2), T, s.table);
    send(s.p(2), T, s.table);
    assert.deepEqual(picks(s.pool, T, 2), [3, 3], '2 has the fewest, but its window is full');
    s.p(2).settle(nextId - 1);
    assert.deepEqual(picks(s.pool, T, 1), [2]);
  });

  it('never returns the avoided worker', () => {
    const s = setup('least-connections', 2);
    assign(s.table, 2, 3);
    assert.deepEqual(picks(s.pool, T, 2, 1), [2, 2]);
  });
});

describe("Pool: 'eligible' (source-hash)", () => {
  it('ignores busyness: a hashed client stays on its worker, and waits while that worker\'s window is full', () => {
    const s = setup('source-hash', 3);
    const home = s.pool.pick(CLIENT, T)!.id;
    // Its oldest hand-over waiting long, never answered: still its worker.
    for (let i = 0; i < LIMITS.window - 1; i++) send(s.p(home), T - 1000);
    assert.deepEqual(picks(s.pool, T, 1), [home]);
    send(s.p(home), T - 1000);
    assert.deepEqual(picks(s.pool, T, 2), [undefined, undefined], 'the window full: it waits for that worker, never another');
  });

  it('moves the client only while its worker does not accept, or is avoided', () => {
    const s = setup('source-hash', 3);
    const home = s.pool.pick(CLIENT, T)!.id;
    s.p(home).markFull();
    const elsewhere = s.pool.pick(CLIENT, T)!.id;
    assert.notEqual(elsewhere, home);
    assert.deepEqual(picks(s.pool, T, 2), [elsewhere, elsewhere], 'the same fallback every time');
    s.p(home).markRoom();
    assert.equal(s.pool.pick(CLIENT, T)?.id, home);
    assert.equal(s.pool.pick(CLIENT, T, home)?.id, elsewhere);
  });
});

describe('Pool: pickSticky and pickFlow', () => {
  it('pickSticky hashes the key, busy or not, waits on a full window, and ignores an earlier avoid', () => {
    const s = setup('round-robin', 3, LIMITS, { sticky: true });
    const key = { ...CLIENT, key: 'session-42' };
    const home = s.pool.pickSticky(key)!.id;
    s.pool.pick(CLIENT, T, home);
    for (let i = 0; i < LIMITS.window - 1; i++) send(s.p(home), T - 1000);
    assert.deepEqual([1, 2, 3].map(() => s.pool.pickSticky(key)?.id), [home, home, home]);
    assert.equal(s.pool.avoided, 0);
    send(s.p(home), T - 1000);
    assert.equal(s.pool.pickSticky(key), undefined, 'its window full: the session waits for its worker');
    const other = s.pool.pickSticky(key, home)?.id;
    assert.ok(other !== undefined && other !== home, 'a refusing worker is passed over');
  });

  it('pickOwner names a known session\'s worker, busy or drained; waits on its full window; null when it cannot take it or the session died with an earlier process', () => {
    const s = setup('round-robin', 3, LIMITS, { sticky: true });
    const pid = s.p(2).pid;
    for (let i = 0; i < LIMITS.window - 1; i++) send(s.p(2), T - 1000);
    assert.equal(s.pool.pickOwner(2, pid)?.id, 2, 'busy (its oldest hand-over long unanswered), still its sessions\' worker');
    send(s.p(2), T - 1000);
    assert.equal(s.pool.pickOwner(2, pid), undefined, 'its window full: the session waits');
    assert.equal(s.pool.pickOwner(3, s.p(3).pid + 1), null, 'another process of worker 3 made it');
    assert.equal(s.pool.pickOwner(9, 1), null, 'not a worker of this pool');
    assert.equal(s.pool.pickOwner(1, s.p(1).pid, 1), null, 'the worker that just refused it');
    s.workers[0]!.setWeight(0);
    assert.equal(s.pool.pickOwner(1, s.p(1).pid)?.id, 1, 'drained: no new sessions, its own go on');
    s.p(1).markFull();
    assert.equal(s.pool.pickOwner(1, s.p(1).pid), null, 'its server full');
  });

  it('pickFlow takes the balancer over every eligible worker, busy or not', () => {
    const s = setup('round-robin', 3);
    for (const id of [1, 2, 3]) for (let i = 0; i < LIMITS.window; i++) send(s.p(id), T - 1000);
    assert.deepEqual(picks(s.pool, T, 1), [undefined], 'no TCP hand-over for any of them');
    assert.deepEqual([0, 1, 2, 3].map(() => s.pool.pickFlow(CLIENT)?.id), [1, 2, 3, 1]);
    s.p(2).markFull();
    assert.deepEqual([0, 1, 2].map(() => s.pool.pickFlow(CLIENT)?.id), [3, 1, 3]);
  });
});

describe('Pool: membership', () => {
  it('adds a worker once, removes it, and picks over what is left', () => {
    const s = setup('round-robin', 3);
    s.pool.add(s.workers[0]!);
    assert.deepEqual(s.pool.workers.map((w) => w.id), [1, 2, 3]);
    s.pool.remove(s.workers[1]!);
    s.pool.remove(s.workers[1]!);
    assert.deepEqual(s.pool.workers.map((w) => w.id), [1, 3]);
    assert.deepEqual(picks(s.pool, T, 3), [1, 3, 1]);
  });

  it('counts the connections routed to it', () => {
    const s = setup('round-robin', 1);
    s.pool.countRouted();
    s.pool.countRouted();
    assert.equal(s.pool.routed, 2);
  });
});
