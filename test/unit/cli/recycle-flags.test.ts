// The recycling flags: parsed as whole numbers, merged into every group, and a jitter without its
// limit refused by the validator naming the key.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CommanderError } from 'commander';
import { mergeFlags, type Flags } from '../../../src/cli/options.js';
import { program } from '../../../src/cli/program.js';
import { validateConfig } from '../../../src/config/validate.js';
import { fixture } from '../../helpers/cluster.js';

/** Parses `args` as the command line would, keeping commander's error text. */
function parse(args: string[]): { flags: Flags; script: string | undefined } | { error: string } {
  let error = '';
  let script: string | undefined;
  const cmd = program().configureOutput({ writeErr: (s) => { error += s; }, writeOut: () => {} });
  cmd.action((s: string | undefined) => { script = s; });
  try {
    cmd.parse(args, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) return { error: error.trim() };
    throw err;
  }
  return { flags: cmd.opts<Flags>(), script };
}

test('--max-requests, --max-lifetime and their jitters become the group keys of every group', () => {
  const parsed = parse(['--max-requests', '1000', '--max-requests-jitter', '50', '--max-lifetime', '3600000', '--max-lifetime-jitter', '600000', 'app.js']);
  assert.ok('flags' in parsed, JSON.stringify(parsed));
  const { maxRequests, maxRequestsJitter, maxLifetime, maxLifetimeJitter } = parsed.flags;
  assert.deepEqual({ maxRequests, maxRequestsJitter, maxLifetime, maxLifetimeJitter }, { maxRequests: 1000, maxRequestsJitter: 50, maxLifetime: 3600000, maxLifetimeJitter: 600000 });
  const out = mergeFlags({ groups: { web: { maxRequests: 5 }, api: {} } }, parsed.flags, parsed.script, []);
  for (const g of [out, out.groups!.web!, out.groups!.api!]) {
    assert.deepEqual([g.maxRequests, g.maxRequestsJitter, g.maxLifetime, g.maxLifetimeJitter], [1000, 50, 3600000, 600000]);
  }
  // Not given: the file's values stay.
  const none = parse(['app.js']);
  assert.ok('flags' in none);
  assert.deepEqual(mergeFlags({ maxRequests: 7 }, none.flags, 'app.js', []).maxRequests, 7);
});

test('a negative, fractional or non-numeric value is refused, naming the flag', () => {
  const cases: Array<[string[], RegExp]> = [
    [['--max-requests', '-1'], /option '--max-requests <n>' argument '-1' is invalid\. expected a whole number >= 0\./],
    [['--max-requests', '1e3'], /option '--max-requests <n>' argument '1e3' is invalid\. expected a whole number >= 0\./],
    [['--max-requests-jitter', '2.5'], /option '--max-requests-jitter <n>' argument '2\.5' is invalid\. expected a whole number >= 0\./],
    [['--max-lifetime', '1h'], /option '--max-lifetime <ms>' argument '1h' is invalid\. expected a whole number >= 0\./],
    [['--max-lifetime-jitter', ''], /option '--max-lifetime-jitter <ms>' argument '' is invalid\. expected a whole number >= 0\./],
  ];
  for (const [args, message] of cases) {
    const parsed = parse([...args, 'app.js']);
    assert.ok('error' in parsed, `${args.join(' ')} was accepted`);
    assert.match(parsed.error, message);
  }
});

test('a jitter flag without its limit flag: the validator says which key, and what to do', () => {
  const parsed = parse(['--max-requests-jitter', '50', fixture('http-app.js')]);
  assert.ok('flags' in parsed);
  assert.throws(() => validateConfig(mergeFlags({}, parsed.flags, parsed.script, [], '8080')),
    /^ConfigError: maxRequestsJitter: 50 has no effect: no group sets maxRequests \(--max-requests\), the limit it is added to; set maxRequests too, or leave maxRequestsJitter out$/);
  const lifetime = parse(['--max-lifetime-jitter', '1000', fixture('http-app.js')]);
  assert.ok('flags' in lifetime);
  assert.throws(() => validateConfig(mergeFlags({}, lifetime.flags, lifetime.script, [], '8080')), /^ConfigError: maxLifetimeJitter: 1000 has no effect: no group sets maxLifetime \(--max-lifetime\)/);
});
