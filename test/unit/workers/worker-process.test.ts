import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CODES } from '../../../src/errors.js';
import { CMD } from '../../../src/ipc/protocol.js';
import { PHASES, type Phase } from '../../../src/workers/process-phase.js';
import type { WorkerProcess } from '../../../src/workers/worker-process.js';
import { FakeChannel, handoff, makeProcess } from './fakes.js';

const STOP = { cmd: CMD, t: 'stop' };
const FRAME = Buffer.from([1, 0x43, 0, 0, 0, 0]);

/** Whether a promise has settled by the time the pending callbacks have run. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  void promise.then(() => { done = true; });
  await new Promise((resolve) => setImmediate(resolve));
  return done;
}

describe('WorkerProcess: lifecycle', () => {
  it('starting -> ready once', () => {
    const { p } = makeProcess(1, { ready: false, now: 5 });
    assert.equal(p.state, 'starting');
    assert.equal(p.readyAt, 0);
    assert.equal(p.markReady(100), true);
    assert.equal(p.state, 'ready');
    assert.equal(p.readyAt, 100);
    assert.equal(p.markReady(200), false);
    assert.equal(p.readyAt, 100, 'the first ready counts');
  });

  it('whenReady resolves true at markReady, at once when already ready', async () => {
    const { p } = makeProcess(1, { ready: false });
    const ready = p.whenReady();
    assert.equal(await settled(ready), false);
    p.markReady(1);
    assert.equal(await ready, true);
    assert.equal(await p.whenReady(), true);
  });

  it('whenReady resolves false when it is gone, stopped or loses its channel first', async () => {
    const ends: Array<[string, (p: WorkerProcess) => void]> = [
      ['gone', (p) => p.markGone({ code: 1, signal: null })],
      ['stopped', (p) => p.requestStop()],
      ['lost its channel', (p) => p.lostChannel()],
    ];
    for (const [name, end] of ends) {
      const { p } = makeProcess(1, { ready: false });
      const ready = p.whenReady();
      end(p);
      assert.equal(await ready, false, name);
      assert.equal(await p.whenReady(), false, `${name}, asked after`);
    }
  });

  it('requestStop on an idle ready process sends the stop message at once, once', () => {
    const { p, channel } = makeProcess(1);
    p.requestStop();
    assert.equal(p.state, 'stopping');
    assert.deepEqual(channel.sent, [STOP]);
    assert.deepEqual(channel.signals, []);
    p.requestStop();
    assert.deepEqual(channel.sent, [STOP]);
  });

  it('requestStop with connections in flight sends the stop when the last one is settled', () => {
    const { p, channel } = makeProcess(1);
    p.handOver(handoff(1), FRAME);
    p.handOver(handoff(2), FRAME);
    p.requestStop();
    assert.equal(p.state, 'ready', 'still answering what it was sent');
    assert.equal(p.accepts(0), false);
    assert.deepEqual(channel.sent, []);
    assert.equal(p.settle(99), undefined);
    assert.deepEqual(channel.sent, [], 'an unknown id settles nothing');
    p.settle(2);
    assert.deepEqual(channel.sent, []);
    p.settle(1);
    assert.deepEqual(channel.sent, [STOP]);
    assert.equal(p.state, 'stopping');
  });

  it('requestStop while starting signals SIGTERM instead of sending the message', () => {
    const { p, channel } = makeProcess(1, { ready: false });
    p.requestStop();
    assert.equal(p.state, 'stopping');
    assert.deepEqual(channel.signals, ['SIGTERM']);
    assert.deepEqual(channel.sent, []);
    assert.equal(p.markReady(1), false, 'too late to become ready');
  });

  it('releaseAll of a stopping-to-be process sends its stop; of a gone one, nothing', () => {
    const a = makeProcess(1);
    a.p.handOver(handoff(1), FRAME);
    a.p.requestStop();
    assert.deepEqual(a.p.releaseAll().map((h) => h.id), [1]);
    assert.deepEqual(a.channel.sent, [STOP]);

    const b = makeProcess(2);
    b.p.handOver(handoff(1), FRAME);
    b.p.requestStop();
    b.p.markGone({ code: null, signal: 'SIGKILL' });
    assert.equal(b.p.releaseAll().length, 1);
    assert.deepEqual(b.channel.sent, []);
  });

  it('beginLeaving takes no new connections and sends no stop', () => {
    const { p, channel } = makeProcess(1);
    p.beginLeaving();
    assert.equal(p.accepts(0), false);
    assert.equal(p.state, 'ready');
    assert.deepEqual(channel.sent, []);
  });

  it('whenIdle resolves when nothing is in flight', async () => {
    const { p } = makeProcess(1);
    await p.whenIdle();
    p.handOver(handoff(1), FRAME);
    p.handOver(handoff(2), FRAME);
    const idle = p.whenIdle();
    p.settle(1);
    assert.equal(await settled(idle), false, 'one still in flight');
    p.settle(2);
    assert.equal(await settled(idle), true);
  });

  it('markGone releases every waiter: idle, ready and gone', async () => {
    const { p } = makeProcess(1, { ready: false });
    const ready = p.whenReady();
    const gone = p.whenGone();
    assert.equal(await settled(gone), false);
    p.markGone({ code: 0, signal: null });
    assert.equal(await ready, false);
    await gone;
    assert.equal(p.state, 'exited');
    assert.deepEqual(p.exit, { code: 0, signal: null });
    assert.equal(await settled(p.whenGone()), true);

    const b = makeProcess(2);
    b.p.handOver(handoff(1), FRAME);
    const idle = b.p.whenIdle();
    b.p.markGone({ code: null, signal: 'SIGKILL' });
    assert.equal(await settled(idle), true, 'gone counts as idle');
    assert.equal(b.p.inFlight, 1, 'what it was sent waits for releaseAll');
    assert.equal(await settled(b.p.whenIdle()), true);
  });

  it('lostChannel: a ready process is stopping', () => {
    const { p } = makeProcess(1);
    p.lostChannel();
    assert.equal(p.state, 'stopping');
    assert.equal(p.accepts(0), false);
  });
});

describe('WorkerProcess: accepts', () => {
  const disqualified: Array<[string, (p: WorkerProcess, channel: FakeChannel) => void]> = [
    ['not ready', () => {}],
    ['not listening on the listener', (p) => { p.markReady(0); p.setListening([1]); }],
    ['unlistened', (p) => { p.markReady(0); p.unlisten(0); }],
    ['unhealthy', (p) => { p.markReady(0); p.health.record(false, 0, { rise: 1, fall: 1 }); }],
    ['stalled', (p) => { p.markReady(0); p.handOver(handoff(1, 0), FRAME); p.missDeadline(11, 10); }],
    ['leaving', (p) => { p.markReady(0); p.beginLeaving(); }],
    ['stopping', (p) => { p.markReady(0); p.requestStop(); }],
    ['full', (p) => { p.markReady(0); p.markFull(); }],
    ['condemned', (p) => { p.markReady(0); p.condemn(); }],
    ['channel disconnected', (p, channel) => { p.markReady(0); channel.connected = false; }],
    ['exited', (p) => { p.markReady(0); p.markGone({ code: 0, signal: null }); }],
  ];
  for (const [name, make] of disqualified) {
    it(`false when ${name}`, () => {
      const { p, channel } = makeProcess(1, { ready: false });
      p.setListening([0]);
      make(p, channel);
      assert.equal(p.accepts(0), false);
    });
  }

  it('true when ready, listening, healthy and connected', () => {
    const { p } = makeProcess(1, { listeners: [0, 2] });
    assert.deepEqual([p.accepts(0), p.accepts(1), p.accepts(2)], [true, false, true]);
  });

  it('markRoom undoes markFull', () => {
    const { p } = makeProcess(1);
    p.markFull();
    p.markRoom();
    assert.equal(p.accepts(0), true);
  });

  it('an answer ends a stall', () => {
    const { p } = makeProcess(1);
    p.handOver(handoff(1, 0), FRAME);
    p.handOver(handoff(2, 5), FRAME);
    assert.equal(p.missDeadline(11, 10), true);
    assert.equal(p.stalled, true);
    p.settle(2);
    assert.equal(p.stalled, false);
    assert.equal(p.accepts(0), true);
  });

  it('serves: in a ready phase and listening, whatever its health or load', () => {
    const { p } = makeProcess(1, { listeners: [1] });
    p.markFull();
    p.health.record(false, 0, { rise: 1, fall: 1 });
    assert.deepEqual([p.serves(0), p.serves(1)], [false, true]);
    p.beginLeaving();
    assert.equal(p.serves(1), true, 'leaving keeps what it serves');
    p.requestStop();
    assert.equal(p.serves(1), false);
  });

  it('serves: not once it is being killed (its flows move on)', () => {
    const { p } = makeProcess(1, { listeners: [1] });
    p.condemn();
    assert.equal(p.serves(1), false);
  });
});

/**
 * Its lifecycle methods in every phase: a row per method, a column per phase; each cell the
 * phase after the call ('=' unchanged, '!' refused with a coded error). The phases are reached
 * by the methods too, idle except 'draining' (one connection in flight).
 */
const METHODS = `
              starting   ready      leaving    draining     stopping   unreachable  condemned  exited  gone
markReady     ready      =          =          =            =          =            =          =       =
beginLeaving  =          leaving    =          =            =          =            =          =       =
requestStop   stopping   stopping   stopping   =            =          =            =          =       =
lostChannel   unreachable unreachable unreachable unreachable =        =            =          =       =
condemn       condemned  condemned  condemned  condemned    condemned  condemned    =          =       =
markExited    exited     exited     exited     exited       exited     exited       exited     =       =
markGone      gone       gone       gone       gone         gone       gone         gone       gone    !
`;

const REACH: Record<Phase, (p: WorkerProcess) => void> = {
  starting: () => {},
  ready: (p) => p.markReady(0),
  leaving: (p) => { p.markReady(0); p.beginLeaving(); },
  draining: (p) => { p.markReady(0); p.handOver(handoff(1), FRAME); p.requestStop(); },
  stopping: (p) => { p.markReady(0); p.requestStop(); },
  unreachable: (p) => { p.markReady(0); p.lostChannel(); },
  condemned: (p) => { p.markReady(0); p.condemn(); },
  exited: (p) => { p.markReady(0); p.markExited({ code: 1, signal: null }); },
  gone: (p) => { p.markReady(0); p.markGone({ code: 1, signal: null }); },
};

const CALLS: Record<string, (p: WorkerProcess) => unknown> = {
  markReady: (p) => p.markReady(1),
  beginLeaving: (p) => p.beginLeaving(),
  requestStop: (p) => p.requestStop(),
  lostChannel: (p) => p.lostChannel(),
  condemn: (p) => p.condemn(),
  markExited: (p) => p.markExited({ code: 0, signal: null }),
  markGone: (p) => p.markGone({ code: 0, signal: null }),
};

describe('WorkerProcess: its methods in every phase', () => {
  const [header, ...rows] = METHODS.trim().split('\n').map((line) => line.trim().split(/\s+/));
  assert.deepEqual(header, [...PHASES]);
  for (const [method, ...cells] of rows) {
    for (const [i, phase] of PHASES.entries()) {
      const want = cells[i]!;
      it(`${method} while ${phase}: ${want === '=' ? 'nothing changes' : want === '!' ? 'refused' : want}`, () => {
        const { p } = makeProcess(1, { ready: false });
        REACH[phase](p);
        assert.equal(p.phase, phase);
        if (want === '!') {
          assert.throws(() => CALLS[method!]!(p), { code: CODES.ILLEGAL_TRANSITION });
          assert.equal(p.phase, phase);
        } else {
          CALLS[method!]!(p);
          assert.equal(p.phase, want === '=' ? phase : want);
        }
      });
    }
  }

  it('condemn and markReady say whether they did anything', () => {
    const { p } = makeProcess(1, { ready: false });
    assert.deepEqual([p.markReady(1), p.markReady(2)], [true, false]);
    p.markExited({ code: null, signal: 'SIGKILL' });
    assert.equal(p.condemn(), false, 'it has exited: nothing left to kill');
  });

  it('stopRequested and drained follow the path it took, not only where it is', () => {
    const asked = makeProcess(1).p;
    asked.handOver(handoff(1), FRAME);
    asked.requestStop();
    asked.condemn();
    asked.markGone({ code: 0, signal: null });
    assert.deepEqual([asked.stopRequested, asked.drained], [true, true]);
    const crashed = makeProcess(2).p;
    crashed.lostChannel();
    crashed.markGone({ code: 0, signal: null });
    assert.deepEqual([crashed.stopRequested, crashed.drained, crashed.state], [false, false, 'exited']);
  });

  it('ending: cut off, being killed or exited, not when asked to stop', () => {
    assert.deepEqual(PHASES.map((phase) => {
      const { p } = makeProcess(1, { ready: false });
      REACH[phase](p);
      return p.ending;
    }), [false, false, false, false, false, true, true, true, false]);
  });

  it('whenReady of one being killed answers once it is gone, so its exit can be told', async () => {
    const { p } = makeProcess(1, { ready: false });
    const ready = p.whenReady();
    p.condemn();
    assert.equal(await settled(ready), false);
    p.markGone({ code: null, signal: 'SIGKILL' });
    assert.equal(await ready, false);
  });
});

describe('WorkerProcess: hand-overs', () => {
  it('handOver writes the frame with the handle, and counts it in flight even when the write fails', () => {
    const { p, channel } = makeProcess(1);
    const h = handoff(1);
    assert.equal(p.handOver(h, FRAME), true);
    assert.equal(channel.writes.length, 1);
    assert.equal(channel.writes[0]!.frame, FRAME);
    assert.equal(channel.writes[0]!.handle, h.handle);
    channel.writeOk = false;
    assert.equal(p.handOver(handoff(2), FRAME), false);
    assert.equal(p.inFlight, 2);
  });

  it('settle returns the connection and counts as an answer; an unknown id returns undefined', () => {
    const { p } = makeProcess(1);
    assert.equal(p.answeredSinceOldest, true, 'nothing in flight');
    const h = handoff(7, 10);
    p.handOver(h, FRAME);
    assert.equal(p.answeredSinceOldest, false);
    assert.equal(p.waited(30), 20);
    assert.equal(p.settle(8), undefined);
    assert.equal(p.answeredSinceOldest, false, 'an unknown id is not an answer');
    p.handOver(handoff(9, 12), FRAME);
    assert.equal(p.settle(7), h);
    assert.equal(p.settle(7), undefined, 'settled once');
    assert.equal(p.answeredSinceOldest, true, '9 left before that answer');
    p.settle(9);
    p.handOver(handoff(10, 13), FRAME);
    assert.equal(p.answeredSinceOldest, false, '10 left after the last answer');
    p.settle(10);
    assert.equal(p.inFlight, 0);
    assert.equal(p.waited(100), 0);
  });

  it('missDeadline fires once per stall', () => {
    const { p } = makeProcess(1);
    p.handOver(handoff(1, 0), FRAME);
    assert.deepEqual([10, 11, 12, 1000].map((now) => p.missDeadline(now, 10)), [false, true, false, false]);
  });

  it('condemn is true only the first time', () => {
    const { p } = makeProcess(1);
    assert.deepEqual([p.condemn(), p.condemn(), p.condemn()], [true, false, false]);
  });
});

describe('WorkerProcess: channel', () => {
  it('send, write and kill go to the channel until the process is gone', () => {
    const { p, channel } = makeProcess(1);
    const ping = { cmd: CMD, t: 'ping', req: 1 } as const;
    const done = (): void => {};
    assert.equal(p.send(ping), true);
    assert.equal(p.write(FRAME, undefined, done), true);
    p.kill('SIGKILL');
    assert.equal(p.connected, true);
    p.markGone({ code: null, signal: 'SIGKILL' });
    assert.equal(p.send(ping), false);
    assert.equal(p.write(FRAME), false);
    p.kill('SIGKILL');
    assert.equal(p.connected, false);
    assert.deepEqual(channel.sent, [ping]);
    assert.equal(channel.writes.length, 1);
    assert.deepEqual(channel.signals, ['SIGKILL']);
  });

  it('connected follows the channel', () => {
    const { p, channel } = makeProcess(1);
    channel.connected = false;
    assert.equal(p.connected, false);
    assert.equal(p.send({ cmd: CMD, t: 'stop' }), false);
  });
});

describe('WorkerProcess: listeners', () => {
  it('setListening replaces the list; unlisten drops one', () => {
    const { p } = makeProcess(1, { listeners: [0, 3] });
    assert.deepEqual(p.listeningList(), [0, 3]);
    p.setListening([1]);
    assert.deepEqual(p.listeningList(), [1]);
    assert.deepEqual([p.listening(0), p.listening(1), p.listening(3)], [false, true, false]);
    p.setListening([2, 4]);
    p.unlisten(2);
    assert.deepEqual(p.listeningList(), [4]);
  });
});

describe('WorkerProcess: recycling figures', () => {
  it('requests: unknown until reported, then the last figure; an answer that does not say keeps it', () => {
    const { p } = makeProcess(1);
    assert.equal(p.requests, -1);
    p.reportRequests(0);
    assert.equal(p.requests, 0);
    p.reportRequests(120);
    assert.equal(p.requests, 120);
    p.reportRequests(-1);
    assert.equal(p.requests, 120);
  });

  it('limits: none until assigned, then its own', () => {
    const { p } = makeProcess(1);
    const { p: q } = makeProcess(2);
    assert.deepEqual(p.limits, { maxRequests: 0, maxLifetime: 0 });
    p.assignLimits({ maxRequests: 1037, maxLifetime: 3_912_000 });
    assert.deepEqual(p.limits, { maxRequests: 1037, maxLifetime: 3_912_000 });
    assert.deepEqual(q.limits, { maxRequests: 0, maxLifetime: 0 }, 'another process has its own');
  });
});
