import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatSize, parseSize } from '../../../src/config/size.js';

test('sizes as users write them, 1024-based', () => {
  assert.equal(parseSize('512M', 'maxMemory'), 512 * 1024 ** 2);
  assert.equal(parseSize('1G', 'maxMemory'), 1024 ** 3);
  assert.equal(parseSize('1.5g', 'maxMemory'), 1.5 * 1024 ** 3);
  assert.equal(parseSize('2048K', 'maxMemory'), 2 * 1024 ** 2);
  assert.equal(parseSize('300MB', 'maxMemory'), 300 * 1024 ** 2);
  assert.equal(parseSize('300MiB', 'maxMemory'), 300 * 1024 ** 2);
  assert.equal(parseSize(' 64M ', 'maxMemory'), 64 * 1024 ** 2);
  assert.equal(parseSize(268435456, 'maxMemory'), 256 * 1024 ** 2);
  assert.equal(parseSize('268435456', 'maxMemory'), 256 * 1024 ** 2);
  for (const off of [undefined, 0, '0']) assert.equal(parseSize(off, 'maxMemory'), 0);
});

test('a bad size is refused with the option and the value named', () => {
  for (const bad of ['lots', '12X', '-5M', '1..2G', 'M', '', 1.5, -1, true, {}, 'x'.repeat(100)]) {
    assert.throws(() => parseSize(bad, 'groups.api.maxMemory'), (err: Error) => {
      assert.match(err.message, /^groups\.api\.maxMemory: expected a size such as 512M or 1G/);
      return true;
    }, String(bad));
  }
  // A bare number is bytes: 512 is surely meant as megabytes.
  assert.throws(() => parseSize('512', 'maxMemory'), /maxMemory: expected at least 1M \(a bare number is bytes: did you mean "512M"\?\), got "512"/);
  assert.throws(() => parseSize(512, 'maxMemory'), /did you mean "512M"/);
});

test('sizes for people', () => {
  assert.deepEqual([formatSize(512 * 1024 ** 2), formatSize(1.5 * 1024 ** 3), formatSize(800 * 1024), formatSize(12)], ['512M', '1.5G', '800K', '12B']);
});
