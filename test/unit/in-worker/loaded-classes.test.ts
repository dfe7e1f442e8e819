// Finding a library's class among the loaded CommonJS modules: each copy wrapped once.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { wrapLoadedClasses } from '../../../src/in-worker/loaded-classes.js';

test('each loaded copy of a class is wrapped once; a module loaded later is found on the next call', () => {
  const dir = mkdtempSync(join(tmpdir(), 'portplex-loaded-'));
  try {
    for (const copy of ['a', 'b']) writeFileSync(join(dir, `lib-${copy}.cjs`), 'module.exports = class Lib { hello() { return 1; } };\n');
    const require = createRequire(join(dir, 'x.cjs'));
    const find = (filename: string, exports: unknown): { prototype: object } | undefined =>
      filename.startsWith(dir) && typeof exports === 'function' ? (exports as { prototype: object }) : undefined;
    const done = new WeakSet<object>();
    const wrapped: object[] = [];
    const a = require('./lib-a.cjs') as { prototype: object };
    assert.equal(wrapLoadedClasses(find, done, (p) => wrapped.push(p)), 1);
    assert.equal(wrapLoadedClasses(find, done, (p) => wrapped.push(p)), 0, 'a class already wrapped is not wrapped again');
    const b = require('./lib-b.cjs') as { prototype: object };
    assert.equal(wrapLoadedClasses(find, done, (p) => wrapped.push(p)), 1);
    assert.deepEqual(wrapped, [a.prototype, b.prototype]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
