// Splitting one string into words as a shell splits simple words, and refusing what only a shell could do.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { splitWords } from '../../../src/config/shell-words.js';

const splits: Array<[string, string[]]> = [
  ['--max-old-space-size=512', ['--max-old-space-size=512']],
  ['  --import tsx   --enable-source-maps ', ['--import', 'tsx', '--enable-source-maps']],
  ['--import\ttsx\n--trace-warnings', ['--import', 'tsx', '--trace-warnings']],
  [`--title 'my app'`, ['--title', 'my app']],
  ['--title "my app"', ['--title', 'my app']],
  ['--title="my app"', ['--title=my app']],
  ['--title "a \\"b\\" \\\\ \\$ \\`"', ['--title', 'a "b" \\ $ `']],
  ["--title 'a \"b\" $x \\n'", ['--title', 'a "b" $x \\n']],
  ['--title my\\ app', ['--title', 'my app']],
  ['--title ""', ['--title', '']],
  ['--title a"b"\'c\'', ['--title', 'abc']],
  ['', []],
  ['   ', []],
];

for (const [input, words] of splits) {
  test(`splits ${JSON.stringify(input)}`, () => assert.deepEqual(splitWords(input), words));
}

const refused: Array<[string, RegExp]> = [
  [`--title 'open`, /^a single quote that is never closed at character 9: no shell runs here/],
  ['--title "open', /^a double quote that is never closed at character 9/],
  ['--title end\\', /^a backslash with nothing after it at character 12/],
  ['--max-old-space-size=$MEM', /^"\$" \(a shell would expand it\) at character 22/],
  ['--title "$HOME"', /^"\$" \(a shell would expand it\) at character 10/],
  ['--title `id`', /^"`" \(a shell would expand it\)/],
  ['--a; rm -rf /', /^";" \(a shell would take it as an operator\) at character 4/],
  ['--a | b', /^"\|" \(a shell would take it as an operator\)/],
  ['--a && b', /^"&" /],
  ['--a > log', /^">" /],
  ['--a < in', /^"<" /],
  ['--a $(id)', /^"\$" /],
  ['(--a)', /^"\(" /],
];

for (const [input, message] of refused) {
  test(`refuses ${JSON.stringify(input)}`, () => {
    assert.throws(() => splitWords(input), (err: unknown) => {
      assert.match((err as Error).message, message);
      return true;
    });
  });
}
