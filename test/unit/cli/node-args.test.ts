// --node-args: one string split as a shell splits simple words, refused where only a shell could
// make sense of it, and merged into every group's execArgv.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CommanderError } from 'commander';
import { mergeFlags, type Flags } from '../../../src/cli/options.js';
import { program } from '../../../src/cli/program.js';

/** Parses `args` as the command line would, keeping commander's error text. */
function parse(args: string[]): { flags: Flags } | { error: string } {
  let error = '';
  const cmd = program().configureOutput({ writeErr: (s) => { error += s; }, writeOut: () => {} });
  cmd.action(() => {});
  try {
    cmd.parse(args, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) return { error: error.trim() };
    throw err;
  }
  return { flags: cmd.opts<Flags>() };
}

test('--node-args is repeatable, its words added up in order, and becomes execArgv of every group', () => {
  const parsed = parse(['--node-args', '--import tsx', '--node-args=--max-old-space-size=512 --enable-source-maps', 'app.ts']);
  assert.ok('flags' in parsed, JSON.stringify(parsed));
  assert.deepEqual(parsed.flags.nodeArgs, ['--import', 'tsx', '--max-old-space-size=512', '--enable-source-maps']);
  const merged = mergeFlags({ execArgv: ['--old'], groups: { web: { execArgv: ['--own'] }, api: {} } }, parsed.flags, 'app.ts', []);
  assert.deepEqual(merged.execArgv, parsed.flags.nodeArgs);
  assert.deepEqual(merged.groups?.web?.execArgv, parsed.flags.nodeArgs);
  assert.deepEqual(merged.groups?.api?.execArgv, parsed.flags.nodeArgs);
  // A --group gets them too.
  const routed = parse(['--node-args', '--enable-source-maps', '--group', 'api=api.js', 'web.js']);
  assert.ok('flags' in routed);
  assert.deepEqual(mergeFlags({}, routed.flags, 'web.js', []).groups?.api?.execArgv, ['--enable-source-maps']);
  // Without the flag, the file's execArgv stays.
  const none = parse(['app.js']);
  assert.ok('flags' in none);
  assert.deepEqual(mergeFlags({ execArgv: ['--old'] }, none.flags, 'app.js', []).execArgv, ['--old']);
});

test('--node-args errors name the flag and say why', () => {
  const cases: Array<[string, RegExp]> = [
    ['--import "tsx', /^error: option '--node-args <options>' argument '--import "tsx' is invalid\. a double quote that is never closed at character 10: no shell runs here/],
    ['--import tsx app.js', /argument '--import tsx app\.js' is invalid\. "app\.js" is not a Node option \(they begin with "-"\); the script and its arguments go after the options\./],
    ['app.js', /"app\.js" is not a Node option/],
    ['--max-old-space-size=512 extra', /"extra" is not a Node option/],
  ];
  for (const [value, message] of cases) {
    const parsed = parse(['--node-args', value, 'app.js']);
    assert.ok('error' in parsed, value);
    assert.match(parsed.error, message);
  }
});
