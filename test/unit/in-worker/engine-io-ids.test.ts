// Pins what in-worker/engine-io-ids.ts relies on of the installed engine.io: its server module's
// path and BaseServer export, generateId(req) on its prototype, and that handshakes call it.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import { engineIoBaseServer, trackEngineIo } from '../../../src/in-worker/engine-io-ids.js';

const require = createRequire(import.meta.url);

describe('engine.io id generator', () => {
  const engine = require('engine.io') as { Server: new (opts?: object) => { generateId(req: unknown): unknown } };

  it('is found in the loaded modules as build/server.js BaseServer with generateId', () => {
    const found = Object.values(require.cache).filter((m) => m && engineIoBaseServer(m.filename, m.exports));
    assert.equal(found.length, 1, 'one engine.io server module');
    const base = engineIoBaseServer(found[0]!.filename, found[0]!.exports)!;
    assert.ok(engine.Server.prototype instanceof (base as unknown as new () => object), 'Server extends BaseServer');
  });

  it('reports every id it makes, the default one and one the application assigns, once wrapped', async () => {
    const ids: string[] = [];
    assert.equal(trackEngineIo((id) => ids.push(id)), 1);
    assert.equal(trackEngineIo((id) => ids.push(id)), 0, 'wrapped once');
    const server = new engine.Server();
    const a = server.generateId({});
    assert.equal(typeof a, 'string');
    assert.deepEqual(ids, [a]);
    server.generateId = () => 'custom-1';
    assert.equal(server.generateId({}), 'custom-1');
    const other = new engine.Server();
    other.generateId = async () => 'custom-async';
    assert.equal(await other.generateId({}), 'custom-async');
    assert.deepEqual(ids, [a, 'custom-1', 'custom-async']);
  });

  it('is what a handshake calls (the handshake awaits generateId before it answers)', () => {
    const source = String((engine.Server.prototype as unknown as { handshake: () => unknown }).handshake);
    assert.match(source, /await this\.generateId\(req\)/);
  });
});
