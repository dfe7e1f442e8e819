import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Handoff } from '../../../src/workers/handoff.js';
import { FakeHandle } from './fakes.js';

const fresh = (): Handoff => new Handoff(7, new FakeHandle(), 1, 3, '192.0.2.1', 40000, 'IPv4', 12.5, 1000);

/** Its fields, as the engine and the frame read them. */
const view = (h: Handoff): unknown[] => [h.pool, h.key, h.clientAddress, h.clientPort, h.clientFamily, h.tries, h.since, h.data, h.eof, h.rescued];

describe('Handoff: one owner of a connection held by the master', () => {
  it('starts as accepted: the default pool, the socket peer, no tries, no bytes', () => {
    const h = fresh();
    assert.deepEqual([h.id, h.listener, h.acceptedHr], [7, 1, 12.5]);
    assert.deepEqual(view(h), [3, undefined, '192.0.2.1', 40000, 'IPv4', 0, 1000, undefined, false, false]);
  });

  it('what the preread tells it: the client a PROXY header names, the route, the bytes read ahead', () => {
    const h = fresh();
    h.proxiedFrom('2001:db8::1', 5555, 'IPv6');
    h.route(4, 'sid-1');
    const bytes = Buffer.from('GET / HTTP/1.1\r\n');
    h.readAhead(bytes, true);
    assert.deepEqual(view(h), [4, 'sid-1', '2001:db8::1', 5555, 'IPv6', 0, 1000, bytes, true, false]);
  });

  it('no bytes read ahead leaves none to ship, and no end of stream unless read', () => {
    const h = fresh();
    h.readAhead(Buffer.alloc(0), false);
    assert.deepEqual([h.data, h.eof], [undefined, false]);
  });

  it('what the engine tells it: each send is a try; waiting and taken move its clock only; a rescue counts tries afresh', () => {
    const steps: Array<[string, (h: Handoff) => void, [number, number, boolean]]> = [
      ['sent', (h) => h.sentAt(2000), [1, 2000, false]],
      ['waiting again', (h) => h.waitingSince(2500), [1, 2500, false]],
      ['sent again', (h) => h.sentAt(2600), [2, 2600, false]],
      ['taken', (h) => h.takenAt(2700), [2, 2700, false]],
      ['rescued', (h) => h.rescue(), [0, 2700, true]],
      ['sent after the rescue', (h) => h.sentAt(3000), [1, 3000, true]],
    ];
    const h = fresh();
    for (const [name, step, want] of steps) {
      step(h);
      assert.deepEqual([h.tries, h.since, h.rescued], want, name);
    }
  });
});
