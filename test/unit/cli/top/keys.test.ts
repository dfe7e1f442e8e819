// Raw terminal bytes to keys: letters, Ctrl-C, both forms of the arrow keys, sequences split
// between reads, and what top does not know dropped.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KeyDecoder } from '../../../../src/cli/top/keys.js';

const bytes = (s: string): Buffer => Buffer.from(s, 'binary');

const cases: Array<[string, string, string[]]> = [
  ['letters', 'qjkdurs?', ['q', 'j', 'k', 'd', 'u', 'r', 's', '?']],
  ['Ctrl-C', '\x03', ['ctrl-c']],
  ['CSI arrows', '\x1b[A\x1b[B\x1b[C\x1b[D', ['up', 'down', 'right', 'left']],
  ['SS3 arrows (application cursor mode)', '\x1bOA\x1bOB', ['up', 'down']],
  ['Home, End, Page Up, Page Down', '\x1b[H\x1b[F\x1b[1~\x1b[4~\x1b[5~\x1b[6~', ['home', 'end', 'home', 'end', 'pageup', 'pagedown']],
  ['Ctrl+Up as Up', '\x1b[1;5A', ['up']],
  ['keys around a sequence', 'j\x1b[Bk', ['j', 'down', 'k']],
  ['Escape alone', '\x1b', ['escape']],
  ['Alt+q as Escape then q', '\x1bq', ['escape', 'q']],
  ['Enter, Tab, Backspace', '\r\t\x7f', ['enter', 'tab', 'backspace']],
  ['unknown sequence and control bytes dropped', '\x1b[200~\x01\x02x', ['x']],
  ['a mouse report is skipped whole', '\x1b[<0;10;5Mq', ['q']],
];

for (const [what, input, keys] of cases) {
  test(`keys: ${what}`, () => {
    assert.deepEqual(new KeyDecoder().feed(bytes(input)), keys);
  });
}

test('keys: a sequence split across reads is kept until its end comes', () => {
  const d = new KeyDecoder();
  assert.deepEqual(d.feed(bytes('j\x1b[')), ['j']);
  assert.deepEqual(d.feed(bytes('1;5')), []);
  assert.deepEqual(d.feed(bytes('Bq')), ['down', 'q']);
});

test('keys: UTF-8 split across reads is one character', () => {
  const d = new KeyDecoder();
  const e = Buffer.from('é', 'utf8');
  assert.deepEqual(d.feed(e.subarray(0, 1)), []);
  assert.deepEqual(d.feed(e.subarray(1)), ['é']);
});
