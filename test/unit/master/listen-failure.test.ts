import assert from 'node:assert/strict';
import { test } from 'node:test';
import { listenFailure } from '../../../src/master/listen-failure.js';

const cases: Array<[Parameters<typeof listenFailure>, string]> = [
  [[null, 3000, undefined, 'EADDRINUSE'], "the app's listen(3000) failed: EADDRINUSE *:3000 is in use by another process"],
  [['127.0.0.1', 3000, undefined, 'EADDRINUSE'], 'the app\'s listen(3000, "127.0.0.1") failed: EADDRINUSE 127.0.0.1:3000 is in use by another process'],
  [['::1', 3000, undefined, 'EADDRINUSE', 'web'], 'the app\'s listen(3000, "::1") failed: EADDRINUSE [::1]:3000 is served to group web already'],
  [[null, 80, undefined, 'EACCES'], "the app's listen(80) failed: EACCES binding *:80 is not permitted to this user"],
  [['10.9.9.9', 3000, undefined, 'EADDRNOTAVAIL'], 'the app\'s listen(3000, "10.9.9.9") failed: EADDRNOTAVAIL 10.9.9.9:3000 is not an address of this machine'],
  [[null, 0, '/run/app.sock', 'EADDRINUSE'], 'the app\'s listen("/run/app.sock") failed: EADDRINUSE /run/app.sock is in use by another process'],
  [[null, 3000, undefined, 'EINVAL'], "the app's listen(3000) failed: EINVAL binding *:3000 failed"],
];

for (const [args, expected] of cases) {
  test(`listenFailure ${args[3]} ${args[2] ?? `${args[0] ?? '*'}:${args[1]}`}`, () => assert.equal(listenFailure(...args), expected));
}
