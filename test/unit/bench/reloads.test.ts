import assert from 'node:assert/strict';
import { test } from 'node:test';
import { reloadsMarkdown } from '../../../bench/reloads.js';

test('keep-alive reloads: failed requests per reload over all rounds, and a row that says why a setup was skipped', () => {
  const md = reloadsMarkdown(
    [
      { setup: 'portplex', reloads: 5, requests: 1000, failed: 0 },
      { setup: 'portplex', reloads: 5, requests: 900, failed: 1 },
    ],
    new Map([['pm2', 'pm2 is not installed (npm i -g pm2)']]),
  );
  assert.match(md, /^\| portplex \| 0\.10 \| 1 \/ 10 \/ 1900 \|$/m);
  assert.match(md, /^\| pm2 \| skipped: pm2 is not installed \(npm i -g pm2\) \| \|$/m);
});
