import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { notReady } from '../../../src/supervisor/reload.js';
import { group } from '../workers/fakes.js';

describe('notReady: why a process was given up on at --ready-timeout', () => {
  const cases = [
    { waitReady: false, ports: '8080, 8443', want: 'did not listen on 8080, 8443 within 30000 ms' },
    { waitReady: false, ports: undefined, want: 'did not listen within 30000 ms' },
    { waitReady: true, ports: '8080', want: "did not say it was ready (ready() or process.send('ready')) within 30000 ms" },
  ];
  for (const c of cases) {
    it(`waitReady ${c.waitReady}, ports ${c.ports ?? 'unnamed'}`, () => {
      assert.equal(notReady({ ...group(), waitReady: c.waitReady }, c.ports, 30000), c.want);
    });
  }
});
