import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ClientInfo } from '../../../src/balancers/balancer.js';
import { createSourceHash } from '../../../src/balancers/source-hash.js';
import { cands, counts } from './helpers.js';

// 10,000 distinct client addresses: 10.0.0.1, 10.0.0.2, ...
const CLIENTS: ClientInfo[] = Array.from({ length: 10_000 }, (_, i) => {
  const n = i + 1;
  return { address: `10.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`, port: 30000 + (i % 1000) };
});

describe('source-hash (Maglev)', () => {
  it('maps the same address to the same candidate, whatever the port', () => {
    const b = createSourceHash();
    const c = cands(8);
    for (const client of CLIENTS.slice(0, 200)) {
      const p = b.pick(c, client);
      assert.ok(p >= 0 && p < 8);
      for (const port of [1, 2, 65535]) assert.equal(b.pick(c, { address: client.address, port }), p);
    }
  });

  it('with includePort, one address spreads over candidates by port', () => {
    const b = createSourceHash({ includePort: true });
    const c = cands(4);
    const list = Array.from({ length: 4000 }, (_, port) => b.pick(c, { address: '198.51.100.7', port }));
    for (const k of counts(list, 4)) assert.ok(Math.abs(k / 4000 - 0.25) < 0.03, `counts ${counts(list, 4).join(',')}`);
    assert.equal(b.pick(c, { address: '198.51.100.7', port: 17 }), list[17]);
  });

  it('spreads 10,000 clients over 16 candidates within 15% of the mean', () => {
    const b = createSourceHash();
    const c = cands(16);
    const n = counts(CLIENTS.map((client) => b.pick(c, client)), 16);
    for (const k of n) assert.ok(Math.abs(k / 625 - 1) < 0.15, `counts ${n.join(',')}`);
  });

  it('1 of 16 unavailable: exactly its own clients move (about 1/16), and come back', () => {
    const b = createSourceHash();
    const c = cands(16);
    const before = CLIENTS.map((client) => b.pick(c, client));
    c[6]!.available = false;
    const after = CLIENTS.map((client) => b.pick(c, client));
    let moved = 0;
    let ownClients = 0;
    for (let i = 0; i < CLIENTS.length; i++) {
      if (before[i] === 6) ownClients++;
      if (before[i] !== after[i]) moved++;
      assert.notEqual(after[i], 6);
    }
    assert.equal(moved, ownClients, 'only the unavailable worker\'s clients moved');
    assert.ok(moved / CLIENTS.length > 0.05 && moved / CLIENTS.length < 0.075, `moved ${moved}`);
    assert.equal(b.rebuilds, 1, 'a momentary state costs no rebuild');
    // Back again: the original table, so every client returns to where it was.
    c[6]!.available = true;
    assert.deepEqual(CLIENTS.map((client) => b.pick(c, client)), before);
  });

  it('builds the table once per member set, not per pick', () => {
    const b = createSourceHash({ tableSize: 4093 });
    const c = cands(4);
    for (const client of CLIENTS.slice(0, 500)) {
      const p = b.pick(c, client);
      c[p]!.active++; // load changes do not touch the table
    }
    assert.equal(b.rebuilds, 1);
    c[1]!.max = 1000;
    b.pick(c, CLIENTS[0]!);
    assert.equal(b.rebuilds, 1, 'max is not part of the member set');
    c[2]!.available = false;
    b.pick(c, CLIENTS[0]!);
    b.pick(c, CLIENTS[1]!);
    assert.equal(b.rebuilds, 1, 'availability is not part of the member set');
    c[3]!.weight = 2;
    b.pick(c, CLIENTS[0]!);
    assert.equal(b.rebuilds, 2, 'a weight change rebuilds');
    c[0]!.id = 40;
    b.pick(c, CLIENTS[0]!);
    assert.equal(b.rebuilds, 3, 'a new worker at an index rebuilds');
  });

  it('the clients of a candidate at its max fall through to another, the same one each time; others stay', () => {
    const b = createSourceHash();
    const c = cands(4);
    const before = CLIENTS.slice(0, 400).map((client) => b.pick(c, client));
    c[2]!.max = 3;
    c[2]!.active = 3;
    const after = CLIENTS.slice(0, 400).map((client) => b.pick(c, client));
    for (let i = 0; i < 400; i++) {
      if (before[i] === 2) assert.ok(after[i] !== 2 && after[i]! >= 0);
      else assert.equal(after[i], before[i]);
    }
    assert.deepEqual(CLIENTS.slice(0, 400).map((client) => b.pick(c, client)), after, 'deterministic fallback');
    c[2]!.active = 2;
    assert.deepEqual(CLIENTS.slice(0, 400).map((client) => b.pick(c, client)), before, 'back once it has room');
  });

  it('a draining candidate (weight 0) leaves the table: its clients move', () => {
    const b = createSourceHash();
    const c = cands(4);
    const before = CLIENTS.slice(0, 400).map((client) => b.pick(c, client));
    c[1]!.weight = 0;
    const after = CLIENTS.slice(0, 400).map((client) => b.pick(c, client));
    for (let i = 0; i < 400; i++) {
      assert.notEqual(after[i], 1);
      assert.ok(after[i]! >= 0);
      if (before[i] !== 1) assert.equal(after[i], before[i]);
    }
  });

  it('weights shift clients proportionally ({1,3}: about 25/75)', () => {
    const b = createSourceHash();
    const c = cands(2, [{ weight: 1 }, { weight: 3 }]);
    const n = counts(CLIENTS.map((client) => b.pick(c, client)), 2);
    assert.ok(Math.abs(n[0]! / CLIENTS.length - 0.25) < 0.02, `counts ${n.join(',')}`);
  });

  it('returns -1 with no members', () => {
    const b = createSourceHash();
    assert.equal(b.pick([], CLIENTS[0]!), -1);
    assert.equal(b.pick(cands(2, [{ weight: 0 }, { available: false }]), CLIENTS[0]!), -1);
  });

  it('rejects bad options', () => {
    assert.throws(() => createSourceHash({ tableSize: 1000 }), /tableSize/);
    assert.throws(() => createSourceHash({ includePort: 'yes' as unknown as boolean }), /includePort/);
  });
});
