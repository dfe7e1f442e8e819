// A bare word that is no file: another process manager's command gets what to use instead, a
// name without its extension gets the file it probably means, anything else portplex's commands.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { scriptWordError } from '../../../src/cli/script-word.js';
import { CODES, EXIT } from '../../../src/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'portplex-word-'));
writeFileSync(join(dir, 'server.mjs'), '');
writeFileSync(join(dir, 'worker'), '');
mkdirSync(join(dir, 'logs'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

const instead: Array<[string, RegExp]> = [
  ['logs', /^script: "logs" is not a portplex command and no such file: the workers write to the master's stdout and stderr .*journalctl -u <unit>.*kubectl logs <pod>$/],
  ['stop', /Ctrl-C or SIGTERM/],
  ['kill', /Ctrl-C or SIGTERM/],
  ['delete', /Ctrl-C or SIGTERM/],
  ['ls', /use portplex status/],
  ['list', /use portplex status/],
  ['LIST', /use portplex status/],
  ['monit', /use portplex top .*portplex status, or --metrics/],
  ['restart', /portplex reload .*portplex upgrade/],
  ['start', /runs in the foreground: portplex \[options\] <script>/],
  ['server', /^script: no such file: "server"; did you mean server\.mjs\?$/],
  ['serve', /^script: "serve" is neither a file nor a portplex command \(status, top, connections, events, drain, undrain, weight, scale, reload, upgrade\); usage: portplex \[options\] <script> \[args\.\.\.\]$/],
];

for (const [word, message] of instead) {
  test(`portplex ${word}: exit 2, ${message.source.slice(0, 40)}`, () => {
    const err = scriptWordError(word, dir);
    assert.ok(err !== undefined);
    assert.equal(err.code, CODES.SCRIPT_NOT_FOUND);
    assert.equal(err.exitCode, EXIT.config);
    assert.equal(err.option, 'script');
    assert.match(err.message, message);
  });
}

test('a file, a path or a name with an extension is left to the config check', () => {
  // "worker" is a file without extension; "logs" a directory, which is no script either way.
  assert.equal(scriptWordError('worker', dir), undefined);
  assert.equal(scriptWordError('app.js', dir), undefined);
  assert.equal(scriptWordError('./stop', dir), undefined);
  assert.equal(scriptWordError('bin/start', dir), undefined);
  assert.match(scriptWordError('logs', dir)?.message ?? '', /is not a portplex command/);
});
