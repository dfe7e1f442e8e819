import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { alive, reasonCounts, rssBytes } from '../../../../bench/faults/servers.js';

describe('fault servers: readings', () => {
  it('reasonCounts sums drops and unparsable heads by reason over listeners, zeros left out', () => {
    const page = [
      '# HELP portplex_connections_dropped_total Connections the master closed',
      '# TYPE portplex_connections_dropped_total counter',
      'portplex_connections_dropped_total{reason="queue_full"} 0',
      'portplex_connections_dropped_total{reason="proxy_invalid"} 12',
      'portplex_content_invalid_total{listener="0",reason="not-http"} 3',
      'portplex_content_invalid_total{listener="1",reason="not-http"} 4',
      'portplex_content_invalid_total{listener="0",reason="bare-lf"} 1',
      'portplex_connections_total{worker="1"} 99',
    ].join('\n');
    assert.deepEqual(reasonCounts(page), { 'dropped:proxy_invalid': 12, 'invalid:not-http': 7, 'invalid:bare-lf': 1 });
    assert.deepEqual(reasonCounts(''), {});
  });

  it('alive and rssBytes read /proc for this process, and a pid that is gone', () => {
    assert.equal(alive(process.pid), true);
    assert.ok((rssBytes(process.pid) ?? 0) > 1024 * 1024);
    assert.equal(alive(2 ** 22 + 1), false);
    assert.equal(rssBytes(2 ** 22 + 1), null);
  });
});
