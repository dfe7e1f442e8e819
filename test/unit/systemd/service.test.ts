import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, it } from 'node:test';
import { Lifecycle, type MasterState } from '../../../src/master/lifecycle.js';
import type { Master } from '../../../src/master/master.js';
import { Notifier } from '../../../src/systemd/notify.js';
import { SystemdService, systemdService, watchdogMs } from '../../../src/systemd/service.js';

/** Keeps what would be sent, in order. */
class Recorder extends Notifier {
  readonly sent: string[][] = [];
  constructor() {
    super(() => {});
  }
  override send(fields: readonly string[]): void {
    this.sent.push([...fields]);
  }
}

/** What SystemdService reads of a master: its lifecycle, its workers' states, its table's size. */
class FakeMaster extends EventEmitter {
  readonly lifecycle = new Lifecycle();
  readonly table = { size: 0 };
  states: string[] = ['starting', 'starting'];
  workers(): Array<{ state: string }> {
    return this.states.map((state) => ({ state }));
  }
}

function service(successor = false): { m: FakeMaster; n: Recorder; s: SystemdService } {
  const m = new FakeMaster();
  const n = new Recorder();
  const s = systemdService(m as unknown as Master, { env: { NOTIFY_SOCKET: '/run/x' }, pid: 4242, successor, warn: () => {} }, n)!;
  return { m, n, s };
}

/** The fields other than STATUS= of each message, MONOTONIC_USEC's value left out. */
function shape(sent: string[][]): string[] {
  return sent.map((f) => f.filter((x) => !x.startsWith('STATUS=')).map((x) => (x.startsWith('MONOTONIC_USEC=') ? 'MONOTONIC_USEC' : x)).join(' ')).filter((x) => x !== '');
}

function go(m: FakeMaster, ...states: MasterState[]): void {
  for (const s of states) assert.ok(m.lifecycle.to(s), s);
}

describe('SystemdService', () => {
  it('nothing without NOTIFY_SOCKET', () => {
    assert.equal(systemdService(new FakeMaster() as unknown as Master, { env: {}, pid: 1, successor: false, warn: () => {} }), undefined);
  });

  it('start, reload, a failed upgrade, stop: READY, RELOADING/READY twice, STOPPING', async () => {
    const { m, n, s } = service();
    m.states = ['ready', 'ready'];
    go(m, 'serving', 'reloading', 'serving', 'upgrading', 'serving', 'stopping', 'stopped');
    assert.deepEqual(shape(n.sent), ['READY=1', 'RELOADING=1 MONOTONIC_USEC', 'READY=1', 'RELOADING=1 MONOTONIC_USEC', 'READY=1', 'STOPPING=1']);
    assert.deepEqual(n.sent[0], ['READY=1', 'STATUS=serving: 2/2 workers ready, 0 connections']);
    assert.equal(n.sent.at(-1)![1], 'STATUS=stopping: 2/2 workers ready, 0 connections');
    await s.close();
  });

  it('MONOTONIC_USEC is CLOCK_MONOTONIC in µs at the reload', async () => {
    const { m, n, s } = service();
    go(m, 'serving');
    const before = process.hrtime.bigint() / 1000n;
    go(m, 'reloading');
    const after = process.hrtime.bigint() / 1000n;
    const usec = BigInt(n.sent[1]!.find((f) => f.startsWith('MONOTONIC_USEC='))!.slice(15));
    assert.ok(usec >= before && usec <= after, `${usec} in [${before}, ${after}]`);
    await s.close();
  });

  it('a successor names itself the main process with its READY=1', async () => {
    const { m, n, s } = service(true);
    go(m, 'serving', 'reloading', 'serving');
    assert.deepEqual(shape(n.sent), ['MAINPID=4242 READY=1', 'RELOADING=1 MONOTONIC_USEC', 'READY=1']);
    await s.close();
  });

  it('replaced by an upgrade: no STOPPING=1, nothing more at all', async () => {
    const { m, n, s } = service();
    go(m, 'serving', 'upgrading');
    s.handedOver();
    go(m, 'stopping', 'stopped');
    m.states = [];
    m.emit('worker-exit');
    assert.deepEqual(shape(n.sent), ['READY=1', 'RELOADING=1 MONOTONIC_USEC']);
    assert.equal(n.sent.length, 2);
    await s.close();
  });

  it('STATUS= alone when a worker becomes ready or exits and the line changes', async () => {
    const { m, n, s } = service();
    m.states = ['ready', 'starting'];
    m.emit('worker-ready');
    m.emit('worker-ready');
    m.table.size = 1;
    m.states = ['ready', 'ready'];
    m.emit('worker-ready');
    assert.deepEqual(n.sent, [['STATUS=starting: 1/2 workers ready, 0 connections'], ['STATUS=starting: 2/2 workers ready, 1 connection']]);
    await s.close();
  });
});

describe('watchdogMs', () => {
  const cases: Array<[NodeJS.ProcessEnv, number]> = [
    [{}, 0],
    [{ WATCHDOG_USEC: '30000000' }, 15000],
    [{ WATCHDOG_USEC: '30000000', WATCHDOG_PID: '7' }, 15000],
    [{ WATCHDOG_USEC: '30000000', WATCHDOG_PID: '8' }, 0],
    [{ WATCHDOG_USEC: '0' }, 0],
    [{ WATCHDOG_USEC: 'x' }, 0],
    [{ WATCHDOG_USEC: '1' }, 1],
  ];
  for (const [env, want] of cases) it(`${JSON.stringify(env)} -> ${want}`, () => assert.equal(watchdogMs(env, 7), want));
});
