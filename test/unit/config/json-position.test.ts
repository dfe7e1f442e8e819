// The line and column of a JSON syntax error, the same on every Node line (V8's messages differ).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lineColumn, locateJsonError } from '../../../src/config/json-position.js';

test('valid JSON has no error; an error is placed by line and column', () => {
  for (const ok of ['{}', ' [1, -2.5e3, "a\\u00e9\\n", true, false, null, {"a": []}] ', '"x"', '0']) {
    JSON.parse(ok);
    assert.equal(locateJsonError(ok), undefined, ok);
  }
  assert.deepEqual(locateJsonError('{\n  "a": 1,\n  "b": [1, 2,]\n}'), { line: 3, column: 14, reason: 'expected a value, found "]"' });
  assert.deepEqual(locateJsonError('{"a": 01}'), { line: 1, column: 8, reason: 'expected "," or "}" after the property value, found "1"' });
  assert.deepEqual(locateJsonError('{"a": -}'), { line: 1, column: 8, reason: 'expected a digit, found "}"' });
  assert.deepEqual(locateJsonError('{"a": "\\u12"}'), { line: 1, column: 8, reason: 'expected four hex digits after \\u, found "\\\\"' });
  assert.deepEqual(locateJsonError('// a comment\n{}'), { line: 1, column: 1, reason: 'expected a value, found "/"' });
});

test('nesting deeper than the scanner follows is left to JSON.parse\'s own message', () => {
  assert.equal(locateJsonError('['.repeat(5000)), undefined);
});

test('lineColumn counts lines from 1 and columns from 1 after the last newline', () => {
  assert.deepEqual(lineColumn('ab\ncd\n', 0), { line: 1, column: 1 });
  assert.deepEqual(lineColumn('ab\ncd\n', 4), { line: 2, column: 2 });
  assert.deepEqual(lineColumn('ab\ncd\n', 6), { line: 3, column: 1 });
});
