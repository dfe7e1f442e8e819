import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { test } from 'node:test';
import { pm2OnPath } from '../../../bench/pm2.js';

test('pm2OnPath: the first pm2 on PATH, by its real path (npm links its script), or null', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pm2-path-'));
  try {
    const [empty, bin, lib] = ['empty', 'bin', 'lib/pm2/bin'].map((d) => join(dir, d));
    for (const d of [empty!, bin!, lib!]) mkdirSync(d, { recursive: true });
    assert.equal(pm2OnPath(['', empty].join(delimiter)), null);
    writeFileSync(join(lib!, 'pm2'), '#!/usr/bin/env node\n');
    symlinkSync(join(lib!, 'pm2'), join(bin!, 'pm2'));
    assert.equal(pm2OnPath([empty, bin].join(delimiter)), join(lib!, 'pm2'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
