// A config error about a value a flag gave names the flag; one about the file's own value, the key.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { flagOf, withFlagNames } from '../../../src/cli/flag-names.js';
import type { Flags } from '../../../src/cli/options.js';
import { CODES, ConfigError, ConfigErrors } from '../../../src/errors.js';

const cases: Array<{ option: string; flags: Flags; file?: object; flag: string | undefined }> = [
  { option: 'weights', flags: { weights: [1] }, flag: '--weights' },
  { option: 'weights', flags: {}, flag: undefined },
  { option: 'groups.api.weights', flags: { weights: [1] }, flag: '--weights' },
  { option: 'groups.api.workers', flags: {}, flag: undefined },
  { option: 'listen[1]', flags: { listen: ['1', '1'] }, flag: '--listen' },
  { option: 'listeners[1]', flags: { listen: ['1', '1'] }, flag: '--listen' },
  { option: 'listeners[1]', flags: {}, flag: undefined },
  { option: 'listeners[0].group', flags: { listen: ['1'] }, flag: undefined },
  { option: 'ownPorts[1]', flags: { ownPort: [9, 9] }, flag: '--own-port' },
  { option: 'execArgv', flags: { nodeArgs: [] }, flag: '--node-args' },
  { option: 'maxRequestsJitter', flags: { maxRequestsJitter: 5 }, flag: '--max-requests-jitter' },
  { option: 'script', flags: {}, flag: undefined },
  { option: 'groups.api.script', flags: { group: [['api', 'api.js']] }, flag: '--group' },
  { option: 'groups.web.script', flags: { group: [['api', 'api.js']] }, flag: undefined },
  { option: 'listeners[0].content.rules[0].group', flags: { route: [{ group: 'x' }] }, flag: '--route' },
  { option: 'listeners[0].content.rules[0].group', flags: { route: [{ group: 'x' }] }, file: { listeners: [{ listen: 1, content: { rules: [{ group: 'y' }] } }] }, flag: undefined },
  { option: 'listeners[0].content.rules[1].group', flags: { route: [{ group: 'x' }] }, file: { listeners: [{ listen: 1, content: { rules: [{ group: 'y' }] } }] }, flag: '--route' },
  { option: 'listeners[0].content.sticky', flags: { sticky: { cookie: 's' } }, flag: '--sticky' },
  { option: 'grace', flags: {}, flag: undefined },
];

for (const c of cases) {
  test(`${c.option} with ${JSON.stringify(c.flags)} is ${c.flag ?? 'the key'}`, () => assert.equal(flagOf(c.option, c.flags, c.file), c.flag));
}

test('withFlagNames renames every problem of a ConfigErrors, keeping codes and messages', () => {
  const err = new ConfigErrors([
    new ConfigError(CODES.WEIGHTS_MISMATCH, 'weights', '2 weights given for 3 workers'),
    new ConfigError(CODES.INVALID_OPTION, 'grace', 'expected an integer >= 0, got -1'),
  ]);
  const renamed = withFlagNames(err, { weights: [1, 1] });
  assert.ok(renamed instanceof ConfigErrors);
  assert.deepEqual(renamed.errors.map((e) => [e.option, e.code, e.message]), [
    ['--weights', CODES.WEIGHTS_MISMATCH, '--weights: 2 weights given for 3 workers'],
    ['grace', CODES.INVALID_OPTION, 'grace: expected an integer >= 0, got -1'],
  ]);
  assert.equal(renamed.option, '--weights');
  const untouched = new ConfigError(CODES.INVALID_OPTION, 'grace', 'expected an integer >= 0, got -1');
  assert.equal(withFlagNames(untouched, { weights: [1] }), untouched);
});
