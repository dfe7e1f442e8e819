// A config with several mistakes gets all of them in one error: every unknown key at every level,
// then each wrong value; a value checked against another waits until that one is valid.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Problems } from '../../../src/config/problems.js';
import type { UserConfig } from '../../../src/config/types.js';
import { unknownKeys } from '../../../src/config/unknown-keys.js';
import { validateConfig } from '../../../src/config/validate.js';
import { CODES, ConfigError, ConfigErrors, EXIT } from '../../../src/errors.js';
import { fixture } from '../../helpers/cluster.js';

const script = fixture('http-app.js');

/** The options and codes validateConfig reports for `config`, in order. */
function problems(config: unknown): Array<[string, string]> {
  try {
    validateConfig(config as UserConfig);
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    assert.equal(err.exitCode, EXIT.config);
    const all = err instanceof ConfigErrors ? err.errors : [err];
    return all.map((e) => [e.option, e.code]);
  }
  return [];
}

test('unknownKeys finds every unknown key at every level, in the order written', () => {
  const found = unknownKeys({
    script, wokers: 1, grce: 2,
    groups: { web: { wrkers: 1 }, api: 'not an object' },
    listeners: [{ listen: 1, tiemout: 1, content: { protocol: 'http', max: 1, rules: [{ group: 'web', hots: 'a' }], sticky: { cookie: 's', ttl: 1 } } }, null],
  });
  assert.deepEqual(found.map((e) => e.option), ['wokers', 'grce', 'groups.web.wrkers', 'listeners[0].tiemout', 'listeners[0].content.max', 'listeners[0].content.rules[0].hots', 'listeners[0].content.sticky.ttl']);
  assert.ok(found.every((e) => e.code === CODES.UNKNOWN_OPTION));
  // The allowed keys are listed once per level.
  assert.match(found[0]!.message, /^wokers: unknown option; expected one of script, args, /);
  assert.equal(found[1]!.message, 'grce: unknown option; expected one of those listed for wokers');
  assert.match(found[2]!.message, /^groups\.web\.wrkers: unknown option; expected one of script, args, env, cwd, execArgv, workers,/);
  assert.deepEqual(unknownKeys({ script }), []);
});

test('every unknown key and every wrong value together, unknown keys first', () => {
  assert.deepEqual(problems({ script, wokers: 2, grace: -1, queueSize: 'big', logFormat: 'xml', groups: { web: { wrkers: 1, maxRequests: -1, algorithm: 'fastest' } } }), [
    ['wokers', CODES.UNKNOWN_OPTION],
    ['groups.web.wrkers', CODES.UNKNOWN_OPTION],
    ['groups.web.algorithm', CODES.UNKNOWN_ALGORITHM],
    ['groups.web.maxRequests', CODES.INVALID_OPTION],
    ['queueSize', CODES.INVALID_OPTION],
    ['grace', CODES.INVALID_OPTION],
    ['logFormat', CODES.INVALID_OPTION],
  ]);
});

test('the message lists each problem on a line of its own with its code; code and option are the first one\'s', () => {
  assert.throws(() => validateConfig({ script, wokers: 2, grace: -1 } as UserConfig), (err: unknown) => {
    assert.ok(err instanceof ConfigErrors);
    assert.equal(err.code, CODES.UNKNOWN_OPTION);
    assert.equal(err.option, 'wokers');
    const lines = err.message.split('\n');
    assert.equal(lines[0], '2 problems in the configuration:');
    assert.match(lines[1]!, /^ {2}wokers: unknown option; expected one of .* \[PORTPLEX_UNKNOWN_OPTION\]$/);
    assert.equal(lines[2], '  grace: expected an integer >= 0, got -1 [PORTPLEX_INVALID_OPTION]');
    return true;
  });
});

test('a single problem is thrown as it is, not wrapped', () => {
  assert.throws(() => validateConfig({ script, grace: -1 } as UserConfig), (err: unknown) => err instanceof ConfigError && !(err instanceof ConfigErrors) && err.message === 'grace: expected an integer >= 0, got -1');
});

test('weights are counted against valid workers only; a jitter against valid limits only', () => {
  // An invalid workers count: the weights are not also reported as a mismatch.
  assert.deepEqual(problems({ script, workers: 'two', weights: [1, 1] }), [['workers', CODES.INVALID_OPTION]]);
  assert.deepEqual(problems({ script, workers: 3, weights: [1, 1] }), [['weights', CODES.WEIGHTS_MISMATCH]]);
  // An invalid maxRequests: its jitter is not also reported as having no limit.
  assert.deepEqual(problems({ script, maxRequests: -1, maxRequestsJitter: 5 }), [['maxRequests', CODES.INVALID_OPTION]]);
});

test('a missing script, a bad listener and a bad own port are reported together', () => {
  assert.deepEqual(problems({ script: 'no-such.js', listen: 'abc', ownPorts: [0], udpMaxFlows: 0 }), [
    ['script', CODES.SCRIPT_NOT_FOUND],
    ['listen', CODES.INVALID_PORT],
    ['udpMaxFlows', CODES.INVALID_OPTION],
    ['ownPorts[0]', CODES.INVALID_PORT],
  ]);
});

test('Problems keeps one error per option and code, and goes on with the fallback', () => {
  const p = new Problems();
  assert.equal(p.int('x', 'a', 7, 0), 7);
  assert.equal(p.int(3, 'b', 7, 0), 3);
  p.add(new ConfigError(CODES.INVALID_OPTION, 'a', 'again'));
  assert.equal(p.count, 1);
  assert.throws(() => p.throwIfAny(), /^ConfigError: a: expected an integer >= 0, got "x"$/);
  assert.doesNotThrow(() => new Problems().throwIfAny());
  assert.throws(() => new Problems().throwAll(), /without a problem/);
});
