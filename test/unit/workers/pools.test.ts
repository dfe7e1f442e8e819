import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { validateConfig } from '../../../src/config/validate.js';
import { ConnectionTable } from '../../../src/table/connection-table.js';
import { Pools } from '../../../src/workers/pools.js';
import { Registry } from '../../../src/workers/registry.js';
import { Worker } from '../../../src/workers/worker.js';

const SCRIPT = fileURLToPath(new URL('../../../../test/fixtures/http-app.js', import.meta.url));
const LIMITS = { window: 4, slowAfterMs: 20, activeWithinMs: 2 };

function build() {
  const config = validateConfig({
    script: SCRIPT,
    groups: { web: { workers: 2 }, api: { workers: 1, algorithm: 'least-connections' } },
    listeners: [{ listen: '127.0.0.1:0', group: 'web' }, { listen: '127.0.0.1:0', group: 'api' }, { listen: '127.0.0.1:0', group: 'web' }],
  });
  const [web, api] = config.groups;
  const workers = [new Worker(1, web!, 1, 0), new Worker(2, web!, 1, 0), new Worker(3, api!, 1, 0)];
  const registry = new Registry(workers);
  const pools = new Pools(config, registry, new ConnectionTable(), LIMITS);
  return { config, registry, pools, workers };
}

describe('Pools', () => {
  it('one pool per listener and group, indexed in order, with its group\'s balancer and workers', () => {
    const { pools } = build();
    assert.deepEqual(pools.all.map((p) => [p.index, p.listener, p.group, p.balancer.name]), [
      [0, 0, 'web', 'round-robin'], [1, 1, 'api', 'least-connections'], [2, 2, 'web', 'round-robin'],
    ]);
    assert.deepEqual(pools.all.map((p) => p.workers.map((w) => w.id)), [[1, 2], [3], [1, 2]]);
    assert.deepEqual([0, 1, 2].map((l) => pools.defaultOf(l).index), [0, 1, 2]);
    assert.equal(pools.byListener[1]!.length, 1);
    assert.equal(pools.all[0]!.sticky, undefined, 'no sticky key without content');
  });

  it('follows the registry: an added worker joins its group\'s pools, a removed one leaves all', () => {
    const { registry, pools, config } = build();
    const added = new Worker(4, config.groups[1]!, 1, 0);
    registry.add(added);
    assert.deepEqual(pools.all.map((p) => p.workers.map((w) => w.id)), [[1, 2], [3, 4], [1, 2]]);
    registry.remove(registry.byId(1)!);
    assert.deepEqual(pools.all.map((p) => p.workers.map((w) => w.id)), [[2], [3, 4], [2]]);
  });
});
