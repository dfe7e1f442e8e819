import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CMD, MAX_FAULT_TEXT, WORKER_FAULT_KINDS, dispatch, isOurs, parseToMaster, parseToWorker, type MessageTable, type ToWorker } from '../../../src/ipc/protocol.js';

const m = (t: string, fields: Record<string, unknown> = {}): Record<string, unknown> => ({ cmd: CMD, t, ...fields });

/** Shapes that are no message of ours in either direction. */
const NOT_OURS: unknown[] = [
  undefined, null, 0, 'NODE_PORTPLEX', [], [CMD, 'ready'],
  { t: 'ready' }, { cmd: 'NODE_CLUSTER', t: 'ready' }, { cmd: 'node_portplex', t: 'ready' },
];

describe('isOurs', () => {
  it('is true only for an object with our cmd', () => {
    assert.equal(isOurs(m('anything')), true);
    for (const x of NOT_OURS) assert.equal(isOurs(x), false, JSON.stringify(x));
  });
});

describe('parseToMaster', () => {
  const valid: Array<Record<string, unknown>> = [
    m('listening', { l: [] }),
    m('listening', { l: [0, 2, 65535] }),
    m('ready'),
    m('r', { i: 7, why: 'stale' }),
    m('r', { i: -3, why: '' }),
    m('held', { c: [] }),
    m('held', { c: [1, 2.5, -1] }),
    m('pong', { req: 1, d: 0.25, a: 0, r: 52428800, h: 8388608, u: 0.125, q: 0 }),
    m('pong', { req: 1, d: 0.25, a: 0, r: -1, h: -1, u: -1, q: -1 }),
    m('pong', { req: 1, d: 0, a: 3, r: 1, h: 1, u: 0, q: Number.MAX_SAFE_INTEGER }),
    m('metrics', { req: 1, m: [] }),
    m('metrics', { req: 1, m: null }),
    m('metrics', { req: 1, m: [{ name: 'x' }], e: 'collect failed' }),
    m('peers', { req: 2, p: [-1, '10.0.0.1', 5000] }),
    m('peers', { req: 2, p: [] }),
    m('agent', { w: 0 }),
    m('agent', { w: 65535 }),
    m('agent', { w: 'undrain' }),
    m('la', { l: 0 }),
    m('dd', { r: 'client_closed' }),
    m('lq', { req: 1, h: null, p: 9464, x: 0 }),
    m('lq', { req: 2, h: '127.0.0.1', p: 0, x: 3 }),
    m('lq', { req: 3, h: '::1', p: 65535, x: 0 }),
    m('cu'),
    m('cu', { f: '/srv/app/server.js' }),
    m('ft', { k: 'usage', n: 1, e: 'EMFILE: too many open files' }),
    m('ft', { k: 'first-read', n: 12, e: '' }),
  ];
  for (const message of valid) {
    it(`accepts ${JSON.stringify(message)}`, () => {
      assert.deepEqual(parseToMaster(message), message);
    });
  }

  it('cuts a fault\'s text at MAX_FAULT_TEXT characters', () => {
    const long = 'e'.repeat(MAX_FAULT_TEXT + 50);
    assert.deepEqual(parseToMaster(m('ft', { k: 'drain', n: 2, e: long })), m('ft', { k: 'drain', n: 2, e: long.slice(0, MAX_FAULT_TEXT) }));
  });

  it('takes a fault of every kind it knows', () => {
    for (const k of WORKER_FAULT_KINDS) assert.equal(parseToMaster(m('ft', { k, n: 1, e: '' }))?.t, 'ft', k);
  });

  it('reads what an older or careless sender leaves out as the protocol\'s defaults', () => {
    // A refusal without a reason is still a refusal: the connection must go elsewhere.
    assert.deepEqual(parseToMaster(m('r', { i: 1 })), m('r', { i: 1, why: '' }));
    assert.deepEqual(parseToMaster(m('r', { i: 1, why: 2 })), m('r', { i: 1, why: '' }));
    // Entries that name no listener are left out; the rest of the list counts.
    assert.deepEqual(parseToMaster(m('listening', { l: [0, 1.5, 2] })), m('listening', { l: [0, 2] }));
    // Resources a worker does not give are unknown (-1), never taken as 0 bytes or 0 CPU.
    const unknown = { r: -1, h: -1, u: -1, q: -1 };
    assert.deepEqual(parseToMaster(m('pong', { req: 1, d: 0 })), m('pong', { req: 1, d: 0, a: 0, ...unknown }));
    assert.deepEqual(parseToMaster(m('pong', { req: 1, d: 0, a: '0' })), m('pong', { req: 1, d: 0, a: 0, ...unknown }));
    assert.deepEqual(parseToMaster(m('pong', { req: 1, d: 0, a: 0, r: '5', h: -7, u: Infinity })), m('pong', { req: 1, d: 0, a: 0, ...unknown }));
    assert.deepEqual(parseToMaster(m('pong', { req: 1, d: 0, a: 0, r: 100, h: NaN, u: 2 })), m('pong', { req: 1, d: 0, a: 0, r: 100, h: -1, u: 2, q: -1 }));
    // The request count: a whole number a double holds exactly, else unknown (never 0 requests).
    for (const q of [12.5, -3, '7', NaN, Infinity, Number.MAX_SAFE_INTEGER + 1, 1e300, null, [5]]) {
      assert.deepEqual(parseToMaster(m('pong', { req: 1, d: 0, a: 0, r: 100, h: 50, u: 0, q })), m('pong', { req: 1, d: 0, a: 0, r: 100, h: 50, u: 0, q: -1 }), `q: ${String(q)}`);
    }
    assert.deepEqual(parseToMaster(m('pong', { req: 1, d: 0, a: 0, q: 4321 })), m('pong', { req: 1, d: 0, a: 0, r: -1, h: -1, u: -1, q: 4321 }));
    // An answer without usable metrics still answers its request.
    assert.deepEqual(parseToMaster(m('metrics', { req: 1 })), m('metrics', { req: 1, m: null }));
    assert.deepEqual(parseToMaster(m('metrics', { req: 1, m: {} })), m('metrics', { req: 1, m: null }));
  });

  it('returns only the known fields', () => {
    assert.deepEqual(parseToMaster(m('ready', { extra: 1 })), m('ready'));
    assert.deepEqual(parseToMaster(m('r', { i: 1, why: 'full', junk: [1] })), m('r', { i: 1, why: 'full' }));
    assert.deepEqual(parseToMaster(m('metrics', { req: 1, m: null, e: 5 })), m('metrics', { req: 1, m: null }), 'a non-string error is left out');
  });

  const invalid: Array<[string, unknown]> = [
    ['listening without l', m('listening')],
    ['listening with l not a list', m('listening', { l: 0 })],
    ['listening with a string', m('listening', { l: ['0'] })],
    ['listening with too many', m('listening', { l: new Array(65537).fill(0) })],
    ['r without i', m('r', { why: 'stale' })],
    ['r with a fractional i', m('r', { i: 1.5, why: 'stale' })],
    ['r with a string i', m('r', { i: '1', why: 'stale' })],
    ['held without c', m('held')],
    ['held with a string', m('held', { c: [1, '2'] })],
    ['held with an object', m('held', { c: { 0: 1 } })],
    ['pong with NaN', m('pong', { req: NaN, d: 0, a: 0 })],
    ['pong with Infinity', m('pong', { req: 1, d: Infinity, a: 0 })],
    ['metrics without req', m('metrics', { m: [] })],
    ['metrics with a string req', m('metrics', { req: '1', m: [] })],
    ['peers without p', m('peers', { req: 1 })],
    ['peers with a string p', m('peers', { req: 1, p: '1,a,2' })],
    ['peers with a NaN req', m('peers', { req: NaN, p: [] })],
    ['agent without w', m('agent')],
    ['agent with a negative w', m('agent', { w: -1 })],
    ['agent with w above 65535', m('agent', { w: 65536 })],
    ['agent with a fractional w', m('agent', { w: 0.5 })],
    ['agent with another word', m('agent', { w: 'drain' })],
    ['la without l', m('la')],
    ['la with a negative l', m('la', { l: -1 })],
    ['la with a fractional l', m('la', { l: 1.5 })],
    ['dd without r', m('dd')],
    ['dd with a numeric r', m('dd', { r: 1 })],
    ['lq with a host name (the worker resolves it first)', m('lq', { req: 1, h: 'localhost', p: 80, x: 0 })],
    ['lq without a host', m('lq', { req: 1, p: 80, x: 0 })],
    ['lq with a port above 65535', m('lq', { req: 1, h: null, p: 65536, x: 0 })],
    ['lq with a negative index', m('lq', { req: 1, h: null, p: 80, x: -1 })],
    ['lq without req', m('lq', { h: null, p: 80, x: 0 })],
    ['cu with a numeric f', m('cu', { f: 1 })],
    ['cu with an empty f', m('cu', { f: '' })],
    ['cu with an f longer than a path', m('cu', { f: 'x'.repeat(4097) })],
    ['ft with an unknown kind', m('ft', { k: 'accept', n: 1, e: 'x' })],
    ['ft without a kind', m('ft', { n: 1, e: 'x' })],
    ['ft with no fault', m('ft', { k: 'usage', n: 0, e: 'x' })],
    ['ft with a fractional count', m('ft', { k: 'usage', n: 1.5, e: 'x' })],
    ['ft with a numeric text', m('ft', { k: 'usage', n: 1, e: 1 })],
    ['ft without a text', m('ft', { k: 'usage', n: 1 })],
    ['an unknown type', m('stop')],
    ['no type', { cmd: CMD }],
    ['a numeric type', m('1')],
  ];
  for (const [name, message] of invalid) {
    it(`rejects ${name}`, () => {
      assert.equal(parseToMaster(message), undefined);
    });
  }

  it('rejects what is not ours', () => {
    for (const x of NOT_OURS) assert.equal(parseToMaster(x), undefined, JSON.stringify(x));
    assert.equal(parseToMaster({ cmd: 'NODE_CLUSTER', t: 'r', i: 1, why: 'stale' }), undefined);
  });
});

describe('parseToWorker', () => {
  const valid: ToWorker[] = [
    { cmd: CMD, t: 'stop' },
    { cmd: CMD, t: 'held?' },
    { cmd: CMD, t: 'ping', req: 3 },
    { cmd: CMD, t: 'ping', req: 0.5 },
    { cmd: CMD, t: 'metrics?', req: 4 },
    { cmd: CMD, t: 'peers?', req: 5 },
    { cmd: CMD, t: 'lp', l: 0 },
    { cmd: CMD, t: 'lp', l: 9 },
    { cmd: CMD, t: 'lr', req: 1, l: { i: 2, protocol: 'tcp', address: '127.0.0.1', port: 9464, family: 'IPv4' } },
    { cmd: CMD, t: 'lr', req: 2, l: null, e: 'EADDRINUSE', n: -98 },
  ];
  for (const message of valid) {
    it(`accepts ${JSON.stringify(message)}`, () => {
      assert.deepEqual(parseToWorker(message), message);
      assert.deepEqual(parseToWorker({ ...message, extra: true }), message, 'extra fields are dropped');
    });
  }

  const invalid: Array<[string, unknown]> = [
    ['ping without req', m('ping')],
    ['ping with a string req', m('ping', { req: '1' })],
    ['ping with NaN', m('ping', { req: NaN })],
    ['metrics? without req', m('metrics?')],
    ['metrics? with Infinity', m('metrics?', { req: Infinity })],
    ['peers? with a string req', m('peers?', { req: 'x' })],
    ['lp without l', m('lp')],
    ['lp with a negative l', m('lp', { l: -1 })],
    ['lp with a fractional l', m('lp', { l: 0.5 })],
    ['lr without req', m('lr', { l: null, e: 'EACCES', n: -13 })],
    ['lr refused without a code', m('lr', { req: 1, l: null, n: -13 })],
    ['lr with a listener of no family', m('lr', { req: 1, l: { i: 0, address: '::', port: 1 } })],
    ['a worker-side type', m('ready')],
    ['another worker-side type', m('r', { i: 1, why: 'stale' })],
    ['no type', { cmd: CMD }],
  ];
  for (const [name, message] of invalid) {
    it(`rejects ${name}`, () => {
      assert.equal(parseToWorker(message), undefined);
    });
  }

  it('rejects what is not ours', () => {
    for (const x of NOT_OURS) assert.equal(parseToWorker(x), undefined, JSON.stringify(x));
    assert.equal(parseToWorker({ cmd: 'NODE_CLUSTER', t: 'stop' }), undefined);
  });
});

describe('dispatch', () => {
  it("runs the handler of the message's type with the context", () => {
    const calls: string[] = [];
    const table: MessageTable<ToWorker, string> = {
      stop: (ctx) => calls.push(`${ctx} stop`),
      'held?': (ctx) => calls.push(`${ctx} held?`),
      ping: (ctx, x) => calls.push(`${ctx} ping ${x.req}`),
      'metrics?': (ctx, x) => calls.push(`${ctx} metrics ${x.req}`),
      'peers?': (ctx, x) => calls.push(`${ctx} peers ${x.req}`),
      lp: (ctx, x) => calls.push(`${ctx} lp ${x.l}`),
      lr: (ctx, x) => calls.push(`${ctx} lr ${x.req}`),
    };
    dispatch(table, 'w1', parseToWorker(m('ping', { req: 4 }))!);
    dispatch(table, 'w2', parseToWorker(m('lp', { l: 1 }))!);
    assert.deepEqual(calls, ['w1 ping 4', 'w2 lp 1']);
  });
});
