import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { validateConfig } from '../../../src/config/validate.js';
import type { Config, UserConfig } from '../../../src/config/types.js';
import { HEADER_BYTES, decodeConn } from '../../../src/ipc/frames.js';
import { Handoffs, STUCK_FACTOR, UNTOUCHED_MS } from '../../../src/master/handoffs.js';
import { PendingQueue } from '../../../src/master/pending-queue.js';
import { SessionTable } from '../../../src/master/sessions.js';
import { MasterStats } from '../../../src/master/stats.js';
import { ConnectionTable } from '../../../src/table/connection-table.js';
import { State } from '../../../src/table/types.js';
import type { Handoff } from '../../../src/workers/handoff.js';
import type { PoolLimits } from '../../../src/workers/pool.js';
import { Pools } from '../../../src/workers/pools.js';
import { Registry } from '../../../src/workers/registry.js';
import { Worker } from '../../../src/workers/worker.js';
import { WorkerProcess } from '../../../src/workers/worker-process.js';
import { FakeChannel, FakeHandle } from '../workers/fakes.js';

const SCRIPT = fileURLToPath(new URL('../../../../test/fixtures/http-app.js', import.meta.url));

/**
 * Picks that do not depend on the wall clock: no worker is ever too slow, and with none idle
 * every responsive one may take a connection (activeWithinMs: -1 would let only those reading
 * their pipe).
 */
const LIMITS = { slowAfterMs: 1e9, activeWithinMs: Infinity };

/** A queue that also keeps the set of what it holds, and notes any connection queued twice. */
class TrackingQueue extends PendingQueue {
  readonly ids = new Set<number>();
  twice = 0;
  override push(h: Handoff, busy = false): boolean {
    const ok = super.push(h, busy);
    if (ok) this.note(h);
    return ok;
  }
  override unshift(h: Handoff): void {
    super.unshift(h);
    this.note(h);
  }
  override shift(lane: number): Handoff | undefined {
    const h = super.shift(lane);
    if (h) this.ids.delete(h.id);
    return h;
  }
  override expire(lane: number, cutoff: number, onExpired: (h: Handoff) => void): void {
    super.expire(lane, cutoff, (h) => {
      this.ids.delete(h.id);
      onExpired(h);
    });
  }
  private note(h: Handoff): void {
    if (this.ids.has(h.id)) this.twice++;
    this.ids.add(h.id);
  }
}

interface Conn {
  h: Handoff;
  handle: FakeHandle;
}

/** The engine with real registry, pools, queue, table and stats, over fake processes. */
class Harness {
  readonly config: Config;
  readonly table = new ConnectionTable();
  readonly stats: MasterStats;
  readonly registry: Registry;
  readonly pools: Pools;
  readonly queue: TrackingQueue;
  readonly handoffs: Handoffs;
  readonly sessions: SessionTable;
  readonly condemned: WorkerProcess[] = [];
  readonly missed: WorkerProcess[] = [];
  /** What the shedReading hook closes when asked: connections being read, oldest first. */
  readonly reading: Handoff[] = [];
  readonly channels = new Map<WorkerProcess, FakeChannel>();
  /** Every handle given to hold(), in order: the master holds exactly those it has not closed. */
  readonly handles: FakeHandle[] = [];
  private pid = 100;
  private port = 1;

  constructor(input: Partial<UserConfig> = {}, limits: Partial<PoolLimits> = {}, options: { ready?: boolean } = {}) {
    this.config = validateConfig({ script: SCRIPT, workers: 2, listen: '127.0.0.1:0', ...input } as UserConfig);
    this.stats = new MasterStats(this.config.listeners.length);
    const group = this.config.groups[0]!;
    this.registry = new Registry(Array.from({ length: group.workers }, (_, i) => new Worker(i + 1, group, group.weights[i]!, group.maxConnections)));
    this.pools = new Pools(this.config, this.registry, this.table, { window: this.config.handoffWindow, ...LIMITS, ...limits });
    this.queue = new TrackingQueue(this.pools.all.length, this.config.queueSize);
    this.handoffs = new Handoffs(this.config, this.table, this.pools, this.queue, this.stats, this.registry, {
      condemn: (p) => this.condemned.push(p),
      missedDeadline: (p) => this.missed.push(p),
      shedReading: () => {
        const h = this.reading.shift();
        if (h !== undefined) this.handoffs.drop(h, 'preread_shed');
        return h !== undefined;
      },
      reading: () => this.reading.length,
    }, this.sessions = new SessionTable(this.config.stickySessions, this.config.stickyTimeout));
    for (const w of this.registry.workers) this.start(w, options.ready ?? true);
  }

  worker(id: number): Worker {
    return this.registry.byId(id)!;
  }

  /** The current process of worker `id`. */
  p(id: number): WorkerProcess {
    return this.worker(id).process!;
  }

  channel(id: number | WorkerProcess): FakeChannel {
    return this.channels.get(typeof id === 'number' ? this.p(id) : id)!;
  }

  /** The connection ids written to worker `id`'s current process, in order. */
  sent(id: number): number[] {
    return this.channel(id).ids();
  }

  /** A new process for `worker`, attached; ready and serving `listeners` unless told otherwise. */
  start(worker: Worker, ready = true, listeners = this.config.listeners.map((l) => l.index)): WorkerProcess {
    const channel = new FakeChannel();
    const p = new WorkerProcess(worker.id, worker.group.name, this.pid++, channel, 0);
    this.channels.set(p, channel);
    worker.attach(p);
    if (ready) this.ready(p, listeners);
    return p;
  }

  ready(p: WorkerProcess, listeners = this.config.listeners.map((l) => l.index)): void {
    p.markReady(Date.now());
    p.setListening(listeners);
  }

  /** Holds a new connection (accepted at `now`) without dispatching it. */
  hold(listener = 0, now = Date.now()): Conn | undefined {
    const handle = new FakeHandle('192.0.2.7', this.port++);
    const h = this.handoffs.hold(handle, listener, handle.address, handle.port, handle.family, now);
    this.handles.push(handle);
    return h && { h, handle };
  }

  /** Holds a new connection that is being read (preread), as the reading hook counts it. */
  read(listener = 0, now = Date.now()): Conn | undefined {
    const c = this.hold(listener, now);
    if (c !== undefined) this.reading.push(c.h);
    return c;
  }

  /** Its read ended: it is no longer counted as being read, and is the caller's to dispatch or drop. */
  readDone(c: Conn): Handoff {
    this.reading.splice(this.reading.indexOf(c.h), 1);
    return c.h;
  }

  /** Holds and dispatches a new connection. */
  connect(listener = 0, now = Date.now()): Conn {
    const c = this.hold(listener, now)!;
    this.handoffs.dispatch(c.h, now);
    return c;
  }

  /** The process is gone, as the supervisor reports it: exited, then its connections re-dispatched, then detached. */
  gone(p: WorkerProcess): void {
    p.markGone({ code: null, signal: 'SIGKILL' });
    this.handoffs.processGone(p, p.workerId);
    this.worker(p.workerId).detach(p);
  }
}

describe('Handoffs: ack', () => {
  it('sends the frame with the handle; the ack establishes the record, and the copy is closed once the worker begins on it', () => {
    const x = new Harness();
    const c = x.connect();
    assert.equal(x.handoffs.held, 1);
    assert.deepEqual(x.sent(1), [c.h.id]);
    assert.equal(x.channel(1).writes[0]!.handle, c.handle);
    assert.deepEqual([x.table.stateOf(c.h.id), x.table.workerOf(c.h.id), x.table.get(c.h.id)!.pid], [State.HandingOver, 1, x.p(1).pid]);
    assert.equal(x.p(1).inFlight, 1);

    x.handoffs.onAck(x.p(1), c.h.id);
    assert.equal(c.handle.closed, 0, 'kept until the worker begins on it');
    assert.equal(x.table.stateOf(c.h.id), State.Established);
    assert.deepEqual([x.stats.handedOver, x.handoffs.held, x.worker(1).handedOver, x.p(1).inFlight, x.p(1).untouchedCount], [1, 1, 1, 0, 1]);

    x.handoffs.onAck(x.p(1), c.h.id);
    assert.deepEqual([x.stats.handedOver, x.stats.lateAcks, x.worker(1).handedOver], [1, 1, 1], 'a second ack counts as late');
    x.handoffs.onBegun(x.p(1), c.h.id);
    assert.deepEqual([c.handle.closed, x.handoffs.held, x.p(1).untouchedCount], [1, 0, 0]);
    x.handoffs.onBegun(x.p(1), c.h.id);
    assert.equal(c.handle.closed, 1, 'a second report closes nothing');
  });

  it('no copy is kept past half the descriptor budget: the ack closes it then', () => {
    const x = new Harness({ workers: 1 });
    x.handoffs.setBudget(4);
    const a = x.connect();
    const b = x.connect();
    const c = x.connect();
    x.handoffs.onAck(x.p(1), a.h.id);
    assert.deepEqual([a.handle.closed, x.handoffs.held], [1, 2], 'three held of 4: over half, closed');
    x.handoffs.onAck(x.p(1), b.h.id);
    assert.deepEqual([b.handle.closed, x.handoffs.held], [1, 1], 'two held of 4: half, closed');
    x.handoffs.onAck(x.p(1), c.h.id);
    assert.deepEqual([c.handle.closed, x.handoffs.held], [0, 1], 'one held of 4: kept');
  });

  it('a copy kept UNTOUCHED_MS without word from the worker is closed', () => {
    const x = new Harness({ workers: 1 });
    const c = x.connect();
    x.handoffs.onAck(x.p(1), c.h.id);
    const at = Date.now();
    x.handoffs.tick(at + UNTOUCHED_MS - 1000);
    assert.equal(c.handle.closed, 0);
    x.handoffs.tick(at + UNTOUCHED_MS + 1000);
    assert.deepEqual([c.handle.closed, x.handoffs.held, x.table.stateOf(c.h.id)], [1, 0, State.Established]);
  });

  it('the frame names the connection, its listener and the client the master saw', () => {
    const x = new Harness();
    const c = x.connect();
    const frame = x.channel(1).writes[0]!.frame;
    const f = decodeConn(frame, HEADER_BYTES, frame.length)!;
    assert.deepEqual([f.id, f.listener, f.eof, f.data], [c.h.id, 0, false, undefined]);
    assert.deepEqual(f.peer, { address: '192.0.2.7', port: c.handle.port, family: 'IPv4' });
  });
});

describe('Handoffs: refusals', () => {
  const cases: Array<{ why: string; after: (p: WorkerProcess) => void }> = [
    { why: 'stale', after: (p) => assert.equal(p.accepts(0), true, 'a stale refusal says nothing of the process') },
    { why: 'no-server', after: (p) => assert.deepEqual([p.listening(0), p.accepts(0)], [false, false]) },
    { why: 'full', after: (p) => { assert.equal(p.accepts(0), false); p.markRoom(); assert.equal(p.accepts(0), true); } },
    { why: 'stopping', after: (p) => assert.deepEqual([p.accepts(0), p.state], [false, 'ready']) },
  ];
  for (const { why, after } of cases) {
    it(`'${why}': the retry goes to another worker, and the refusing process is marked`, () => {
      const x = new Harness({ workers: 3 });
      const c = x.connect();
      assert.deepEqual(x.sent(1), [c.h.id]);
      x.handoffs.onRefuse(x.p(1), c.h.id, why);
      assert.deepEqual([x.sent(1), x.sent(2), x.sent(3)], [[c.h.id], [c.h.id], []]);
      assert.deepEqual([x.table.workerOf(c.h.id), x.table.stateOf(c.h.id)], [2, State.HandingOver]);
      assert.deepEqual([x.stats.retries.refused, x.handoffs.held, c.handle.closed, c.h.tries], [1, 1, 0, 2]);
      assert.deepEqual(x.channel(1).sent, [], 'no stop message for a stopping refusal');
      after(x.p(1));
    });
  }

  it('the refusing worker is passed over even when it is the next in turn and idle', () => {
    const x = new Harness({ workers: 2 });
    const a = x.connect();
    const b = x.connect();
    x.handoffs.onAck(x.p(2), b.h.id);
    // Worker 1 is next in turn, but it is the one refusing.
    x.handoffs.onRefuse(x.p(1), a.h.id, 'stale');
    assert.deepEqual([x.sent(1), x.sent(2)], [[a.h.id], [b.h.id, a.h.id]]);
  });

  it('with no other worker, a stale refusal is queued, and the drain that follows gives it back to the refusing one', () => {
    // Worker 2 is not ready: worker 1 is the only one that may take it.
    const x = new Harness({ workers: 2 });
    x.p(2).beginLeaving();
    const c = x.connect();
    x.handoffs.onRefuse(x.p(1), c.h.id, 'stale');
    assert.deepEqual(x.sent(1), [c.h.id, c.h.id]);
    assert.deepEqual([x.queue.size, c.h.tries], [0, 2]);
  });

  it('after maxHandoffs tries the connection is dropped as handoff_failed, its handle closed once', () => {
    const x = new Harness({ workers: 2, maxHandoffs: 3 });
    const c = x.connect();
    x.handoffs.onRefuse(x.p(1), c.h.id, 'stale');
    x.handoffs.onRefuse(x.p(2), c.h.id, 'stale');
    assert.deepEqual([x.sent(1), x.sent(2)], [[c.h.id, c.h.id], [c.h.id]], 'turns alternate, never the refusing one');
    x.handoffs.onRefuse(x.p(1), c.h.id, 'stale');
    assert.deepEqual([x.sent(1).length, x.sent(2).length], [2, 1], 'no fourth send');
    assert.equal(c.handle.closed, 1);
    assert.deepEqual([x.stats.dropped.handoff_failed, x.stats.retries.refused, x.handoffs.held], [1, 3, 0]);
    assert.equal(x.table.has(c.h.id), false);
    x.handoffs.onRefuse(x.p(1), c.h.id, 'stale');
    assert.equal(c.handle.closed, 1);
    assert.equal(x.stats.malformed, 1, 'a refusal of a connection no longer in flight');
  });

  it('maxHandoffs 1: the first refusal drops it', () => {
    const x = new Harness({ maxHandoffs: 1 });
    const c = x.connect();
    x.handoffs.onRefuse(x.p(1), c.h.id, 'full');
    assert.deepEqual([c.handle.closed, x.stats.dropped.handoff_failed, x.sent(2).length], [1, 1, 0]);
  });
});

describe('Handoffs: a process gone', () => {
  it('what a crashed process was serving counts as cut; what a drained one leaves does not', () => {
    for (const drained of [false, true]) {
      const x = new Harness({ workers: 1 });
      const c = x.connect();
      x.handoffs.onAck(x.p(1), c.h.id);
      x.handoffs.onBegun(x.p(1), c.h.id);
      const p = x.p(1);
      if (drained) p.requestStop();
      p.markGone(drained ? { code: 0, signal: null } : { code: null, signal: 'SIGKILL' });
      x.handoffs.processGone(p, p.workerId);
      assert.equal(x.table.has(c.h.id), false, 'the record goes either way');
      assert.equal(x.stats.cut, drained ? 0 : 1, drained ? 'a drained process ended its connections itself' : 'a crash cuts it');
    }
  });

  it('what it had in flight goes to another worker or the queue, none of it closed; its records are purged', () => {
    const x = new Harness({ workers: 2, handoffWindow: 2 });
    const c0 = x.connect();
    x.handoffs.onAck(x.p(1), c0.h.id);
    x.p(2).markFull();
    const c1 = x.connect();
    const c2 = x.connect();
    x.p(2).markRoom();
    const cx = x.connect();
    assert.deepEqual([x.sent(1), x.sent(2)], [[c0.h.id, c1.h.id, c2.h.id], [cx.h.id]]);

    x.handoffs.onAck(x.p(1), c1.h.id);
    x.handoffs.onBegun(x.p(1), c1.h.id);

    const p1 = x.p(1);
    x.gone(p1);
    // c0: taken, not begun on: whole, it goes on; c1: begun on: cut with the process; c2: in flight.
    assert.equal(x.table.has(c1.h.id), false, 'the record of what it was serving is purged');
    assert.deepEqual(x.sent(2), [cx.h.id, c0.h.id], 'the oldest, c0, fills worker 2\'s window');
    assert.deepEqual([x.queue.size, x.table.stateOf(c2.h.id), x.table.workerOf(c2.h.id)], [1, State.Queued, -1]);
    assert.deepEqual([c0.handle.closed, c1.handle.closed, c2.handle.closed], [0, 1, 0]);
    assert.deepEqual([x.stats.retries.worker_exit, x.stats.rescued, x.stats.cut, x.handoffs.held, p1.inFlight, p1.untouchedCount], [2, 1, 1, 3, 0, 0]);
    assert.equal(c0.h.tries, 1, 'a rescued connection starts its tries again');
    const frames = x.channel(2).writes.map((w) => decodeConn(w.frame, HEADER_BYTES, w.frame.length)!);
    assert.deepEqual(frames.map((f) => [f.id, f.rescued]), [[cx.h.id, false], [c0.h.id, true]], 'the rescued one says so in its frame');

    x.handoffs.onAck(x.p(2), cx.h.id);
    assert.deepEqual(x.sent(2), [cx.h.id, c0.h.id, c2.h.id], 'an ack drains the queue, in accept order');
  });

  it('a new process for the worker takes the queue once ready', () => {
    const x = new Harness({ workers: 1 });
    const c = x.connect();
    x.gone(x.p(1));
    assert.equal(x.queue.size, 1);
    const p = x.start(x.worker(1), false);
    x.handoffs.drainQueue();
    assert.equal(x.queue.size, 1, 'still starting');
    x.ready(p);
    x.handoffs.drainQueue();
    assert.deepEqual(x.channel(p).ids(), [c.h.id]);
    assert.equal(c.h.tries, 2);
  });

  it('its last try used, a connection of a gone process is dropped', () => {
    const x = new Harness({ workers: 2, maxHandoffs: 1 });
    const c = x.connect();
    x.gone(x.p(1));
    assert.deepEqual([c.handle.closed, x.stats.dropped.handoff_failed, x.stats.retries.worker_exit], [1, 1, 1]);
  });

  it('connections re-queued by an exit keep their accept order', () => {
    const x = new Harness({ workers: 1 });
    const a = x.connect();
    const b = x.connect();
    x.gone(x.p(1));
    const p = x.start(x.worker(1));
    x.handoffs.drainQueue();
    assert.deepEqual(x.channel(p).ids(), [a.h.id, b.h.id]);
  });
});

describe('Handoffs: deadlines', () => {
  it('a stalled process: missedDeadline once, then condemned once after STUCK_FACTOR deadlines', () => {
    const x = new Harness({ workers: 1, handoffTimeout: 100 });
    const t0 = Date.now();
    const c = x.connect(0, t0);
    const p = x.p(1);
    x.handoffs.tick(t0 + 50);
    assert.deepEqual([x.missed.length, x.stats.handoffTimeouts], [0, 0]);
    // Wide margins: the hand-over left at Date.now() a moment after t0.
    x.handoffs.tick(t0 + 300);
    x.handoffs.tick(t0 + 400);
    assert.deepEqual(x.missed, [p]);
    assert.deepEqual([x.stats.handoffTimeouts, p.stalled, p.accepts(0)], [1, true, false]);
    assert.deepEqual(x.condemned, []);
    x.handoffs.tick(t0 + 100 * STUCK_FACTOR + 200);
    x.handoffs.tick(t0 + 100 * STUCK_FACTOR + 300);
    assert.deepEqual(x.condemned, [p]);
    assert.deepEqual(x.missed, [p]);
    assert.equal(c.handle.closed, 0, 'still its connection until it answers or is gone');
    assert.equal(x.handoffs.held, 1);
  });

  it('a late answer ends the stall and drains the queue', () => {
    const x = new Harness({ workers: 1, handoffTimeout: 100 });
    const t0 = Date.now();
    const a = x.connect(0, t0);
    x.handoffs.tick(t0 + 300);
    const b = x.connect(0, t0);
    assert.deepEqual([x.queue.size, x.sent(1)], [1, [a.h.id]], 'a stalled process gets nothing new');
    x.handoffs.onAck(x.p(1), a.h.id);
    assert.deepEqual(x.sent(1), [a.h.id, b.h.id]);
    assert.equal(x.p(1).stalled, false);
  });

  it('queued connections time out as queue_timeout, strictly past queueTimeout, oldest first', () => {
    const x = new Harness({ workers: 1, queueTimeout: 1000 }, {}, { ready: false });
    const t0 = Date.now();
    const a = x.connect(0, t0);
    const b = x.connect(0, t0 + 500);
    x.handoffs.tick(t0 + 1000);
    assert.equal(x.queue.size, 2);
    x.handoffs.tick(t0 + 1001);
    assert.deepEqual([a.handle.closed, b.handle.closed, x.stats.dropped.queue_timeout, x.queue.size], [1, 0, 1, 1]);
    assert.equal(x.table.has(a.h.id), false);
    x.handoffs.tick(t0 + 1501);
    x.handoffs.tick(t0 + 9999);
    assert.deepEqual([b.handle.closed, x.stats.dropped.queue_timeout, x.handoffs.held, x.table.size], [1, 2, 0, 0]);
  });

  it('queue time starts when a connection is queued: a long preread does not count', () => {
    const x = new Harness({ workers: 1, queueTimeout: 1000 }, {}, { ready: false });
    const t0 = Date.now();
    const read = x.hold(0, t0)!;
    x.handoffs.dispatch(read.h, t0 + 4700);
    x.handoffs.tick(t0 + 5000);
    assert.deepEqual([read.handle.closed, x.queue.size], [0, 1], 'queued 300 ms ago');
    x.handoffs.tick(t0 + 5701);
    assert.deepEqual([read.handle.closed, x.stats.dropped.queue_timeout], [1, 1]);
  });

  it('a connection queued behind a re-queued one still times out', () => {
    const x = new Harness({ workers: 1, handoffWindow: 1, queueTimeout: 1000 });
    const now = Date.now();
    const a = x.connect(0, now);
    const b = x.connect(0, now - 5000);
    assert.equal(x.queue.size, 1, 'b waits behind a\'s window');
    x.gone(x.p(1));
    assert.equal(x.queue.size, 2, 'a is back at the front, queued now');
    x.handoffs.tick(now + 500);
    assert.equal(b.handle.closed, 1, 'b was queued 5.5 s ago');
    assert.equal(a.handle.closed, 0);
  });
});

describe('Handoffs: queue', () => {
  it('no eligible worker: queued, its record Queued; queue full: dropped as queue_full', () => {
    const x = new Harness({ workers: 1, queueSize: 2 }, {}, { ready: false });
    const [a, b, c] = [x.connect(), x.connect(), x.connect()];
    assert.equal(x.queue.size, 2);
    assert.deepEqual([a.handle.closed, b.handle.closed, c.handle.closed], [0, 0, 1]);
    assert.deepEqual([x.table.stateOf(a.h.id), x.table.has(c.h.id)], [State.Queued, false]);
    assert.deepEqual([x.stats.dropped.queue_full, x.handoffs.held, x.table.size], [1, 2, 2]);
  });

  it('queueSize 0 drops at once when no worker can take it', () => {
    const x = new Harness({ workers: 1, queueSize: 0 }, {}, { ready: false });
    const c = x.connect();
    assert.deepEqual([c.handle.closed, x.stats.dropped.queue_full], [1, 1]);
  });

  it('a worker becoming ready drains the queue in FIFO order', () => {
    const x = new Harness({ workers: 1 }, {}, { ready: false });
    const ids = [x.connect(), x.connect(), x.connect()].map((c) => c.h.id);
    x.ready(x.p(1));
    x.handoffs.drainQueue();
    assert.deepEqual(x.sent(1), ids);
    assert.equal(x.queue.size, 0);
  });

  it('each ack drains as much as the window has room for, in order', () => {
    const x = new Harness({ workers: 1, handoffWindow: 1 });
    const [a, b, c] = [x.connect(), x.connect(), x.connect()];
    assert.deepEqual([x.sent(1), x.queue.size], [[a.h.id], 2]);
    x.handoffs.onAck(x.p(1), a.h.id);
    assert.deepEqual(x.sent(1), [a.h.id, b.h.id]);
    x.handoffs.onAck(x.p(1), b.h.id);
    assert.deepEqual(x.sent(1), [a.h.id, b.h.id, c.h.id]);
  });

  it('FIFO per lane; a lane with no worker does not hold up another', () => {
    const x = new Harness({ workers: 1, listen: ['127.0.0.1:0', '127.0.0.1:0'] }, {}, { ready: false });
    const [a, b, c, d] = [x.connect(0), x.connect(1), x.connect(0), x.connect(1)];
    assert.equal(x.queue.size, 4);
    x.ready(x.p(1), [1]);
    x.handoffs.drainQueue();
    assert.deepEqual(x.sent(1), [b.h.id, d.h.id]);
    x.p(1).setListening([0, 1]);
    x.handoffs.drainQueue();
    assert.deepEqual(x.sent(1), [b.h.id, d.h.id, a.h.id, c.h.id]);
  });
});

describe('Handoffs: unsettled', () => {
  it('counts what no worker has taken (queued, held, in flight), not the copies kept of taken ones', () => {
    const x = new Harness({ workers: 1 }, {}, { ready: false });
    const queued = x.connect();
    const read = x.read()!;
    assert.deepEqual([x.handoffs.held, x.handoffs.unsettled], [2, 2]);
    x.ready(x.p(1));
    x.handoffs.drainQueue();
    assert.deepEqual([x.sent(1), x.handoffs.unsettled], [[queued.h.id], 2], 'in flight is unsettled');
    x.handoffs.onAck(x.p(1), queued.h.id);
    assert.deepEqual([x.handoffs.held, x.handoffs.unsettled], [2, 1], 'taken: its kept copy is not unsettled');
    x.handoffs.dispatch(x.readDone(read));
    x.handoffs.onAck(x.p(1), read.h.id);
    assert.deepEqual([x.handoffs.held, x.handoffs.unsettled], [2, 0]);
    x.gone(x.p(1));
    assert.deepEqual([x.handoffs.held, x.handoffs.unsettled, x.queue.size], [2, 2, 2], 'a crash before they were begun on: whole, unsettled again');
  });
});

describe('Handoffs: beginStop', () => {
  it('queued connections no worker can take are dropped as shutdown; later ones too', () => {
    const x = new Harness({ workers: 1 }, {}, { ready: false });
    const [a, b] = [x.connect(), x.connect()];
    const held = x.read()!;
    x.handoffs.beginStop();
    assert.deepEqual([a.handle.closed, b.handle.closed], [1, 1]);
    assert.deepEqual([x.stats.dropped.shutdown, x.queue.size, x.handoffs.held], [2, 0, 1]);
    x.handoffs.dispatch(x.readDone(held));
    assert.deepEqual([held.handle.closed, x.stats.dropped.shutdown], [1, 3], 'dispatch after the stop drops');
    assert.equal(x.hold(), undefined, 'hold after the stop drops');
    assert.deepEqual([x.stats.dropped.shutdown, x.handoffs.held, x.table.size], [4, 0, 0]);
  });

  it('first hands what it can to workers that can take it', () => {
    const x = new Harness({ workers: 1 }, {}, { ready: false });
    const c = x.connect();
    x.ready(x.p(1));
    x.handoffs.beginStop();
    assert.deepEqual([x.sent(1), c.handle.closed, x.stats.dropped.shutdown], [[c.h.id], 0, 0]);
  });

  it('a connection in flight at the stop is dropped if refused with nowhere to go', () => {
    const x = new Harness({ workers: 1 });
    const c = x.connect();
    x.handoffs.beginStop();
    x.handoffs.onRefuse(x.p(1), c.h.id, 'stopping');
    assert.deepEqual([c.handle.closed, x.stats.dropped.shutdown, x.queue.size], [1, 1, 0]);
  });
});

describe('Handoffs: failures', () => {
  it('a failed write: counted, the process condemned once, its connection kept until it is gone', () => {
    const x = new Harness({ workers: 2 });
    x.channel(1).writeOk = false;
    const a = x.connect();
    const b = x.connect();
    assert.deepEqual([x.stats.sendErrors, x.condemned], [1, [x.p(1)]]);
    assert.deepEqual([x.sent(1), x.sent(2)], [[a.h.id], [b.h.id]], 'nothing new for a condemned process');
    assert.deepEqual([a.handle.closed, x.p(1).inFlight, x.handoffs.held], [0, 1, 2]);
    x.handoffs.onAck(x.p(2), b.h.id);
    x.handoffs.tick(Date.now() + 60_000);
    assert.deepEqual(x.condemned, [x.p(1)], 'not condemned again when it is also stuck');
    x.gone(x.p(1));
    assert.deepEqual(x.sent(2), [b.h.id, a.h.id]);
    assert.deepEqual([a.handle.closed, b.handle.closed], [0, 1]);
  });

  it('acks and refusals of connections not in flight to that process are counted, and change nothing', () => {
    const x = new Harness({ workers: 2 });
    const a = x.connect();
    x.handoffs.onAck(x.p(2), a.h.id);
    x.handoffs.onAck(x.p(1), 12345);
    x.handoffs.onRefuse(x.p(2), a.h.id, 'stale');
    x.handoffs.onRefuse(x.p(1), 12345, 'stale');
    assert.deepEqual([x.stats.lateAcks, x.stats.malformed], [2, 2]);
    assert.deepEqual([a.handle.closed, x.p(1).inFlight, x.stats.handedOver, x.stats.retries.refused], [0, 1, 0, 0]);
    assert.equal(x.table.stateOf(a.h.id), State.HandingOver);
  });

  it('past its descriptor budget the master closes new connections as fd_limit', () => {
    const x = new Harness({ workers: 1 });
    x.handoffs.setBudget(1);
    const a = x.connect();
    const handle = new FakeHandle();
    assert.equal(x.handoffs.hold(handle, 0, '192.0.2.1', 1, 'IPv4', Date.now()), undefined);
    assert.deepEqual([handle.closed, x.stats.dropped.fd_limit, x.table.size], [1, 1, 1]);
    x.handoffs.onAck(x.p(1), a.h.id);
    assert.notEqual(x.hold(), undefined, 'room again once one is handed over');
  });

  it('at its descriptor budget the oldest connection being read makes room for a new one', () => {
    const x = new Harness({ workers: 1 });
    x.handoffs.setBudget(2);
    const slow = [x.read()!, x.read()!];
    const fresh = x.read();
    assert.notEqual(fresh, undefined, 'held: the oldest read was shed for it');
    assert.deepEqual([slow[0]!.handle.closed, slow[1]!.handle.closed], [1, 0], 'the oldest, and only it');
    assert.deepEqual([x.stats.dropped.preread_shed, x.stats.dropped.fd_limit, x.handoffs.held], [1, 0, 2]);
  });
});

/**
 * Where a connection is, as the table and its handle say (not the engine's collections):
 * 'read' being read, 'queued', 'w1' in flight to worker 1, 'kept1' taken by worker 1 and its copy
 * kept, 'done' closed (begun on, or dropped).
 */
function whereIs(x: Harness, c: Conn): string {
  if (c.handle.closed > 0) return 'done';
  if (x.reading.includes(c.h)) return 'read';
  const state = x.table.stateOf(c.h.id);
  if (state === State.Queued) return 'queued';
  return `${state === State.Established ? 'kept' : 'w'}${x.table.workerOf(c.h.id)}`;
}

/** held and unsettled against the handles themselves: every open one is held; unsettled unless taken. */
function checkCounts(x: Harness): void {
  const open = x.handles.filter((h) => h.closed === 0).length;
  let taken = 0;
  for (const w of x.registry.workers) taken += w.process?.untouchedCount ?? 0;
  assert.deepEqual([x.handoffs.held, x.handoffs.unsettled], [open, open - taken], 'held = open handles; unsettled = open and not taken');
  assert.ok(x.handles.every((h) => h.closed <= 1), 'no handle closed twice');
}

/** A fake worker as a test drives it: it acks, begins, refuses, stalls or dies, one step at a time. */
type Step = (x: Harness, c: Conn[], t0: number) => void;
const ack = (w: number, i: number): Step => (x, c) => x.handoffs.onAck(x.p(w), c[i]!.h.id);
const begin = (w: number, i: number): Step => (x, c) => x.handoffs.onBegun(x.p(w), c[i]!.h.id);
const refuse = (w: number, i: number, why: string): Step => (x, c) => x.handoffs.onRefuse(x.p(w), c[i]!.h.id, why);
const dies = (w: number): Step => (x) => x.gone(x.p(w));
const restarts = (w: number): Step => (x) => { x.start(x.worker(w)); x.handoffs.drainQueue(); };
const connect: Step = (x, c, t0) => { c.push(x.connect(0, t0)); };
const read: Step = (x, c, t0) => { c.push(x.read(0, t0)!); };
const readDone = (i: number): Step => (x, c) => x.handoffs.dispatch(x.readDone(c[i]!));
/** Silence for `ms`: the engine's tick at t0 + ms (deadline 100 ms, queue timeout 1000 ms). */
const stalls = (ms: number): Step => (x, _c, t0) => x.handoffs.tick(t0 + ms);

describe('Handoffs: who holds each connection, step by step', () => {
  const cases: Array<{ name: string; workers?: number; steps: Step[]; where: string[]; then?: (x: Harness, c: Conn[]) => void }> = [
    { name: 'acked, then begun on: kept until begun, then closed', steps: [connect, connect, ack(1, 0), begin(1, 0)], where: ['done', 'w2'] },
    { name: 'acked and not begun on: the copy is kept', steps: [connect, ack(1, 0)], where: ['kept1'] },
    { name: 'refused as full: goes to the other worker', steps: [connect, refuse(1, 0, 'full')], where: ['w2'] },
    { name: 'refused by both: back to the first, then dropped at maxHandoffs', steps: [connect, refuse(1, 0, 'stale'), refuse(2, 0, 'stale'), refuse(1, 0, 'stale')], where: ['done'], then: (x) => assert.equal(x.stats.dropped.handoff_failed, 1) },
    { name: 'dies with one in flight and one taken: both go to the other worker whole', steps: [connect, connect, connect, ack(1, 0), dies(1)], where: ['w2', 'w2', 'w2'], then: (x, c) => assert.deepEqual([c[0]!.h.rescued, c[0]!.h.tries, c[2]!.h.tries, x.stats.rescued], [true, 1, 2, 1]) },
    { name: 'the only worker dies: its connections wait in the queue for the restart', workers: 1, steps: [connect, connect, ack(1, 1), dies(1)], where: ['queued', 'queued'] },
    { name: '... and the restart takes them', workers: 1, steps: [connect, connect, ack(1, 1), dies(1), restarts(1)], where: ['w1', 'w1'] },
    { name: 'stalls: past the deadline it gets nothing new, the next goes to the other', steps: [connect, stalls(300), connect], where: ['w1', 'w2'], then: (x) => assert.deepEqual(x.missed, [x.p(1)]) },
    { name: 'stalls past STUCK_FACTOR deadlines: condemned, its connection still its own until it dies', steps: [connect, stalls(300), stalls(100 * STUCK_FACTOR + 300)], where: ['w1'], then: (x) => assert.deepEqual(x.condemned, [x.p(1)]) },
    { name: 'a condemned stalled worker dies: its connection goes elsewhere', steps: [connect, stalls(300), stalls(100 * STUCK_FACTOR + 300), dies(1)], where: ['w2'] },
    { name: 'being read: held, and dispatched when the read ends', steps: [read, read, readDone(1)], where: ['read', 'w1'] },
    { name: 'no worker can take it: queued, then timed out', workers: 1, steps: [dies(1), connect, stalls(1500)], where: ['done'], then: (x) => assert.equal(x.stats.dropped.queue_timeout, 1) },
  ];
  for (const { name, workers = 2, steps, where, then } of cases) {
    it(name, () => {
      const x = new Harness({ workers, handoffTimeout: 100, queueTimeout: 1000, maxHandoffs: 3 });
      const t0 = Date.now();
      const conns: Conn[] = [];
      for (const step of steps) {
        step(x, conns, t0);
        checkCounts(x);
      }
      assert.deepEqual(conns.map((c) => whereIs(x, c)), where);
      then?.(x, conns);
    });
  }
});

type Event =
  | { t: 'connect' }
  | { t: 'ack'; k: number }
  | { t: 'refuse'; k: number; why: string }
  | { t: 'begin'; k: number }
  | { t: 'stray'; k: number; w: number; refuse: boolean }
  | { t: 'gone'; w: number }
  | { t: 'room'; w: number }
  | { t: 'break'; w: number }
  | { t: 'tick'; dt: number };

interface Setup {
  workers: number;
  handoffWindow: number;
  queueSize: number;
  maxHandoffs: number;
  algorithm: string;
  activeWithinMs: number;
}

/**
 * Runs events against the engine, keeping its own account of what each process was sent,
 * took and began on, and checks after every step that each connection the master holds a copy
 * of is in exactly one place: a window, the queue, or a process's kept copies.
 */
class Run {
  readonly x: Harness;
  private readonly handles = new Map<number, FakeHandle>();
  /** Ids in flight to each process, as the writes and our answers say. */
  private readonly windows = new Map<WorkerProcess, number[]>();
  /** Ids each process took and has not begun on (the master keeps a copy), with when they were taken. */
  private readonly kept = new Map<WorkerProcess, Map<number, number>>();
  private readonly seen = new Map<WorkerProcess, number>();
  private readonly gone = new Set<WorkerProcess>();
  /** Connections taken and begun on (or let go): the master's part is over. */
  private readonly done = new Set<number>();
  /** Established records per worker, until that worker's process is gone. */
  private readonly established = new Map<number, Set<number>>();
  private accepted = 0;
  private acks = 0;
  private late = 0;
  private malformed = 0;
  private now = Date.now();

  constructor(s: Setup) {
    this.x = new Harness(
      { workers: s.workers, handoffWindow: s.handoffWindow, queueSize: s.queueSize, maxHandoffs: s.maxHandoffs, algorithm: s.algorithm, handoffTimeout: 100, queueTimeout: 1000 },
      { activeWithinMs: s.activeWithinMs },
    );
    this.sync();
  }

  step(e: Event): void {
    const x = this.x;
    switch (e.t) {
      case 'connect': {
        const c = x.hold(0, this.now)!;
        this.accepted++;
        this.handles.set(c.h.id, c.handle);
        x.handoffs.dispatch(c.h);
        break;
      }
      case 'ack':
      case 'refuse': {
        const pairs = this.inFlight();
        if (pairs.length === 0) return;
        const [p, id] = pairs[e.k % pairs.length]!;
        const w = this.windows.get(p)!;
        w.splice(w.indexOf(id), 1);
        if (e.t === 'ack') {
          x.handoffs.onAck(p, id);
          this.acks++;
          this.keptBy(p).set(id, Date.now());
          this.establishedOf(p.workerId).add(id);
        } else {
          x.handoffs.onRefuse(p, id, e.why);
        }
        break;
      }
      case 'begin': {
        const pairs: Array<[WorkerProcess, number]> = [];
        for (const w of x.registry.workers) for (const id of this.keptBy(w.process!).keys()) pairs.push([w.process!, id]);
        if (pairs.length === 0) return;
        const [p, id] = pairs[e.k % pairs.length]!;
        x.handoffs.onBegun(p, id);
        this.keptBy(p).delete(id);
        this.done.add(id);
        break;
      }
      case 'stray': {
        const ids = [...this.handles.keys()];
        const id = ids.length === 0 ? 999 : ids[e.k % ids.length]!;
        const p = x.p(e.w);
        if (this.windows.get(p)!.includes(id)) return;
        if (e.refuse) {
          x.handoffs.onRefuse(p, id, 'stale');
          this.malformed++;
        } else {
          x.handoffs.onAck(p, id);
          this.late++;
        }
        break;
      }
      case 'gone': {
        const p = x.p(e.w);
        this.windows.set(p, []);
        // What it took and had not begun on goes elsewhere whole, like what was in flight.
        this.keptBy(p).clear();
        this.gone.add(p);
        x.gone(p);
        this.established.delete(e.w);
        // The supervisor's restart, ready at once; the master drains when it says so.
        x.start(x.worker(e.w));
        x.handoffs.drainQueue();
        break;
      }
      case 'room':
        x.p(e.w).markRoom();
        x.handoffs.drainQueue();
        break;
      case 'break':
        x.channel(e.w).writeOk = false;
        break;
      case 'tick':
        this.now += e.dt;
        x.handoffs.tick(this.now);
        // Copies kept past UNTOUCHED_MS are let go: the worker's is the only one then.
        for (const m of this.kept.values()) {
          for (const [id, at] of m) {
            const handle = this.handles.get(id)!;
            if (handle.closed === 1) {
              assert.ok(this.now - at > UNTOUCHED_MS - 1000, `copy of ${id} let go ${this.now - at} ms after it was taken`);
              m.delete(id);
              this.done.add(id);
            }
          }
        }
        break;
    }
    this.sync();
  }

  stop(): void {
    this.x.handoffs.beginStop();
    this.sync();
    assert.equal(this.x.queue.size, 0, 'nothing stays queued after beginStop');
  }

  private keptBy(p: WorkerProcess): Map<number, number> {
    let m = this.kept.get(p);
    if (!m) this.kept.set(p, (m = new Map()));
    return m;
  }

  private establishedOf(worker: number): Set<number> {
    let s = this.established.get(worker);
    if (!s) this.established.set(worker, (s = new Set()));
    return s;
  }

  private inFlight(): Array<[WorkerProcess, number]> {
    const out: Array<[WorkerProcess, number]> = [];
    for (const w of this.x.registry.workers) for (const id of this.windows.get(w.process!)!) out.push([w.process!, id]);
    return out;
  }

  /** Takes in what was written since the last step, then checks every invariant. */
  private sync(): void {
    const x = this.x;
    for (const [p, channel] of x.channels) {
      const ids = channel.ids();
      const from = this.seen.get(p) ?? 0;
      if (this.gone.has(p)) assert.equal(ids.length, from, 'nothing is sent to a gone process');
      if (!this.windows.has(p)) this.windows.set(p, []);
      this.windows.get(p)!.push(...ids.slice(from));
      this.seen.set(p, ids.length);
    }
    this.check();
  }

  private check(): void {
    const x = this.x;
    const where = new Map<number, string[]>();
    const place = (id: number, what: string): void => {
      if (!where.has(id)) where.set(id, []);
      where.get(id)!.push(what);
    };
    for (const [p, ids] of this.windows) {
      assert.equal(p.inFlight, ids.length, `in flight to worker ${p.workerId} (pid ${p.pid})`);
      for (const id of ids) place(id, `window of ${p.pid}`);
    }
    for (const [p, m] of this.kept) {
      assert.equal(p.untouchedCount, m.size, `copies kept for worker ${p.workerId} (pid ${p.pid})`);
      for (const id of m.keys()) place(id, `kept for ${p.pid}`);
    }
    assert.equal(x.queue.twice, 0, 'queued twice');
    assert.equal(x.queue.ids.size, x.queue.size);
    let held = 0;
    let dropped = 0;
    let inFlightOrQueued = 0;
    let kept = 0;
    for (const [id, handle] of this.handles) {
      assert.ok(handle.closed <= 1, `connection ${id} closed ${handle.closed} times`);
      const places = where.get(id) ?? [];
      const queued = x.queue.ids.has(id);
      if (this.done.has(id)) {
        assert.equal(handle.closed, 1, `connection ${id} begun on: the master's copy is closed, once`);
        assert.deepEqual(places, []);
        continue;
      }
      if (handle.closed === 1) {
        dropped++;
        assert.deepEqual(places, [], `closed connection ${id} is nowhere`);
        assert.equal(queued, false, `closed connection ${id} still queued`);
        continue;
      }
      held++;
      assert.equal(places.length + (queued ? 1 : 0), 1, `connection ${id}: ${places.join(', ')}${queued ? ', queued' : ''}`);
      if (queued) {
        inFlightOrQueued++;
        assert.deepEqual([x.table.stateOf(id), x.table.workerOf(id)], [State.Queued, -1]);
      } else if (places[0]!.startsWith('window')) {
        inFlightOrQueued++;
        assert.equal(x.table.stateOf(id), State.HandingOver);
      } else {
        kept++;
        assert.equal(x.table.stateOf(id), State.Established);
      }
    }
    assert.equal(x.handoffs.held, held);
    assert.equal(x.stats.handedOver, this.acks);
    assert.equal(x.stats.droppedTotal, dropped);
    assert.equal(this.accepted, this.done.size + x.stats.droppedTotal + x.handoffs.held);
    assert.deepEqual([x.stats.lateAcks, x.stats.malformed], [this.late, this.malformed]);
    let established = 0;
    for (const s of this.established.values()) established += s.size;
    // Established records: what is kept, and what is done and not yet purged with its worker.
    assert.ok(established >= kept);
    assert.equal(x.table.size, inFlightOrQueued + established);
    assert.equal(new Set(x.condemned).size, x.condemned.length, 'a process is condemned at most once');
  }
}

describe('Handoffs: ownership under random events', () => {
  const setup = fc.record({
    workers: fc.integer({ min: 1, max: 3 }),
    handoffWindow: fc.integer({ min: 1, max: 3 }),
    queueSize: fc.integer({ min: 0, max: 4 }),
    maxHandoffs: fc.integer({ min: 1, max: 3 }),
    algorithm: fc.constantFrom('round-robin', 'least-connections', 'source-hash', 'first'),
    activeWithinMs: fc.constantFrom(-1, Infinity),
  });
  const worker = fc.integer({ min: 1, max: 3 });
  const event: fc.Arbitrary<Event> = fc.oneof(
    { arbitrary: fc.constant({ t: 'connect' as const }), weight: 5 },
    { arbitrary: fc.record({ t: fc.constant('ack' as const), k: fc.nat() }), weight: 4 },
    { arbitrary: fc.record({ t: fc.constant('refuse' as const), k: fc.nat(), why: fc.constantFrom('stale', 'no-server', 'full', 'stopping') }), weight: 2 },
    { arbitrary: fc.record({ t: fc.constant('begin' as const), k: fc.nat() }), weight: 3 },
    { arbitrary: fc.record({ t: fc.constant('stray' as const), k: fc.nat(), w: worker, refuse: fc.boolean() }), weight: 1 },
    { arbitrary: fc.record({ t: fc.constant('gone' as const), w: worker }), weight: 1 },
    { arbitrary: fc.record({ t: fc.constant('room' as const), w: worker }), weight: 1 },
    { arbitrary: fc.record({ t: fc.constant('break' as const), w: worker }), weight: 1 },
    { arbitrary: fc.record({ t: fc.constant('tick' as const), dt: fc.integer({ min: 0, max: 700 }) }), weight: 2 },
  );

  it('every held connection is in exactly one window or the queue; every close is counted once', () => {
    fc.assert(
      fc.property(setup, fc.array(event, { maxLength: 60 }), (s, events) => {
        const run = new Run(s);
        for (const e of events) {
          // Events naming a worker the setup does not have name one it has.
          run.step('w' in e ? { ...e, w: ((e.w - 1) % s.workers) + 1 } : e);
        }
        run.stop();
      }),
      { numRuns: 200 },
    );
  });
});

describe('Handoffs: sticky sessions', () => {
  const sticky = { listen: undefined, listeners: [{ listen: '127.0.0.1:0', content: { protocol: 'http', sticky: { query: 'sid' } } }], workers: 3 } as unknown as Partial<UserConfig>;

  /** A connection carrying sticky key `key`, dispatched now. */
  const keyed = (x: Harness, key: string): Conn => {
    const c = x.hold()!;
    c.h.route(c.h.pool, key);
    x.handoffs.dispatch(c.h);
    return c;
  };
  const whereSent = (x: Harness, c: Conn): number => [1, 2, 3].find((w) => x.worker(w).process !== undefined && x.sent(w).includes(c.h.id))!;

  it('a key the table knows goes to its worker; an unknown one by its hash, the same every time; both counted', () => {
    const x = new Harness(sticky);
    const hashed = whereSent(x, keyed(x, 'unknown'));
    assert.equal(whereSent(x, keyed(x, 'unknown')), hashed);
    const owner = hashed === 1 ? 2 : 1;
    x.sessions.learn('known', owner, x.p(owner).pid, Date.now());
    for (let i = 0; i < 3; i++) assert.equal(whereSent(x, keyed(x, 'known')), owner);
    assert.deepEqual(x.stats.sticky, { session: 3, hash: 2 });
  });

  it('a session whose process is gone is forgotten: its key hashes again', () => {
    const x = new Harness(sticky);
    const hashed = whereSent(x, keyed(x, 'k'));
    const owner = hashed === 1 ? 2 : 1;
    x.sessions.learn('k', owner, x.p(owner).pid, Date.now());
    assert.equal(whereSent(x, keyed(x, 'k')), owner);
    x.gone(x.p(owner));
    assert.equal(x.sessions.size, 0, 'purged with its process');
    assert.equal(whereSent(x, keyed(x, 'k')), hashed);
  });
});
