import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LineSplitter } from '../../../src/logs/line-splitter.js';

function splitter(maxLine: number): { s: LineSplitter; out: Array<[string, boolean]> } {
  const out: Array<[string, boolean]> = [];
  return { s: new LineSplitter(maxLine, (b, start, end, cut) => out.push([b.toString('utf8', start, end), cut])), out };
}

test('whole lines pass at once; a partial one is held until its newline', () => {
  const { s, out } = splitter(100);
  s.push(Buffer.from('one\ntwo\nthr'));
  assert.deepEqual(out, [['one', false], ['two', false]]);
  assert.equal(s.pending, 3);
  s.push(Buffer.from('ee'));
  assert.equal(out.length, 2);
  s.push(Buffer.from('\r\n\nfour'));
  assert.deepEqual(out.slice(2), [['three', false], ['', false]], 'CRLF loses its CR; an empty line is a line');
  s.end();
  assert.deepEqual(out.slice(4), [['four', false]], 'the last line without its newline, at the end');
  s.end();
  assert.equal(out.length, 5);
});

test('a line longer than the limit is cut there, also before its newline has come', () => {
  const { s, out } = splitter(4);
  s.push(Buffer.from('abcdefghij'));
  assert.deepEqual(out, [['abcd', true], ['efgh', true]]);
  assert.equal(s.pending, 2, 'what is held stays within the limit');
  s.push(Buffer.from('k\nxy\n'));
  assert.deepEqual(out.slice(2), [['ijk', false], ['xy', false]]);
  s.push(Buffer.from('1234\n'));
  assert.deepEqual(out.slice(4), [['1234', false]], 'exactly the limit is not cut');
});

test('a cut never splits a UTF-8 character', () => {
  const { s, out } = splitter(5);
  // "aé€" is 1 + 2 + 3 bytes: the limit of 5 falls inside the euro sign.
  s.push(Buffer.from('aé€b\n'));
  assert.deepEqual(out, [['aé', true], ['€b', false]]);
});
