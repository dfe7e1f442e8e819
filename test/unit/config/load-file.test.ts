// Config files: JSON and JavaScript (ESM or CommonJS as Node decides), PM2 ecosystem files among
// them; every failure names the file and where in it.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { loadConfigFile } from '../../../src/config/load-file.js';

const dir = mkdtempSync(join(tmpdir(), 'portplex-load-'));
after(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(join(dir, 'app.js'), '');

/** Writes `text` to `name` under `sub` of the test directory (a package.json of `type` there when given). */
function file(name: string, text: string, sub = '.', type?: 'module' | 'commonjs'): string {
  mkdirSync(join(dir, sub), { recursive: true });
  if (type !== undefined) writeFileSync(join(dir, sub, 'package.json'), JSON.stringify({ type }));
  writeFileSync(join(dir, sub, name), text);
  return join(dir, sub, name);
}

async function failure(path: string, env?: string): Promise<string> {
  try {
    await loadConfigFile(path, { env });
  } catch (err) {
    return `${(err as { code: string }).code} ${(err as Error).message}`;
  }
  assert.fail(`${path} loaded`);
}

test('JSON as before: the object, its directory, no warning', async () => {
  const path = file('portplex.json', '{ "script": "app.js", "workers": 2 }');
  assert.deepEqual(await loadConfigFile(path), { config: { script: 'app.js', workers: 2 }, baseDir: dir, warnings: [] });
});

test('bad JSON is named by line and column', async () => {
  const cases: Array<[string, RegExp]> = [
    ['{\n  "script": "app.js",\n  "workers": }\n', /line 3, column 14: expected a value, found "}"/],
    ['{\n  "script": "app.js",\n}\n', /line 3, column 1: expected a property name in double quotes, found "}"/],
    ['{ "workers": 2\n  "grace": 1 }', /line 2, column 3: expected "," or "}" after the property value, found "\\""/],
    ['{ "listen": [8080 8081] }', /line 1, column 19: expected "," or "]" after the list item, found "8"/],
    ['{ "script": "app.js"', /line 1, column 21: expected "," or "}" after the property value, found the end of the file/],
    ['{ "script": \'app.js\' }', /line 1, column 13: expected a value, found "'"/],
    ['{ "a": "tab\there" }', /line 1, column 12: expected no control character in a string .*found the control character U\+0009/],
    ['{ "a": "\\x" }', /line 1, column 10: expected an escape/],
    ['{} {}', /line 1, column 4: expected the end of the file after the value/],
    ['', /line 1, column 1: expected a value, found the end of the file/],
  ];
  for (const [text, reason] of cases) {
    const path = file('bad.json', text);
    const message = await failure(path);
    assert.ok(message.startsWith(`PORTPLEX_CONFIG_FILE --config: ${path} is not valid JSON: line `), message);
    assert.match(message, reason, JSON.stringify(text));
  }
  assert.match(await failure(file('eco.yaml', 'apps:\n  - script: app.js\n')), /eco\.yaml is not valid JSON \(portplex reads JSON and JavaScript config files, not YAML\): line 1, column 1/);
});

test('.mjs and .cjs: the default export and module.exports; .js as the nearest package.json says', async () => {
  const config = { script: 'app.js', workers: 2 };
  const body = JSON.stringify(config);
  const expected = (sub: string) => ({ config, baseDir: join(dir, sub), warnings: [] });
  assert.deepEqual(await loadConfigFile(file('a.mjs', `export default ${body};`)), expected('.'));
  assert.deepEqual(await loadConfigFile(file('b.cjs', `module.exports = ${body};`)), expected('.'));
  assert.deepEqual(await loadConfigFile(file('c.js', `export default ${body};`, 'esm', 'module')), expected('esm'));
  assert.deepEqual(await loadConfigFile(file('d.js', `module.exports = ${body};`, 'cjs', 'commonjs')), expected('cjs'));
  // A function is called, and a promise awaited; the file can read the environment.
  assert.deepEqual(await loadConfigFile(file('e.mjs', `export default async () => (${body});`)), expected('.'));
  assert.deepEqual(await loadConfigFile(file('f.cjs', `module.exports = () => ({ script: 'app.js', workers: Number(process.env.PORTPLEX_TEST_WORKERS ?? 2) });`)), expected('.'));
});

test('a JavaScript config that fails is named, with the line where Node can tell', async () => {
  let path = file('syntax.mjs', 'export default {\n  script: "app.js",,\n};\n');
  assert.match(await failure(path), new RegExp(`^PORTPLEX_CONFIG_FILE --config: ${path}: syntax error at line 2: Unexpected token ','`));
  path = file('syntax.cjs', 'module.exports = {\n  script: "app.js"\n');
  assert.match(await failure(path), new RegExp(`^PORTPLEX_CONFIG_FILE --config: ${path}: syntax error at line \\d: Unexpected end of input`));
  path = file('throws.cjs', 'const x = 1;\nthrow new Error("no DATABASE_URL");\n');
  assert.equal(await failure(path), `PORTPLEX_CONFIG_FILE --config: ${path}: threw while loading: Error: no DATABASE_URL (line 2)`);
  path = file('throws.mjs', '\n\nthrow new TypeError("bad");\n');
  assert.equal(await failure(path), `PORTPLEX_CONFIG_FILE --config: ${path}: threw while loading: TypeError: bad (line 3)`);
  path = file('fn-throws.mjs', 'export default () => {\n  throw new Error("inside");\n};\n');
  assert.equal(await failure(path), `PORTPLEX_CONFIG_FILE --config: ${path}: its exported function threw: Error: inside (line 2)`);
  path = file('named.mjs', 'export const script = "app.js";\n');
  assert.match(await failure(path), new RegExp(`^PORTPLEX_CONFIG_FILE --config: ${path}: exports no config: write \`export default \\{ \\.\\.\\. \\}\``));
  path = file('nothing.cjs', 'const config = { script: "app.js" };\n');
  assert.match(await failure(path), new RegExp(`${path}: exports an empty object`));
  path = file('number.mjs', 'export default 42;\n');
  assert.match(await failure(path), new RegExp(`${path}: exports 42, not a config object`));
  path = file('cjs-in-esm.js', 'module.exports = { script: "app.js" };\n', 'esm2', 'module');
  assert.match(await failure(path), new RegExp(`${path}: threw while loading: ReferenceError: module is not defined`));
});

test('an ecosystem file is converted; its unused keys make one warning line', async () => {
  const path = file('ecosystem.config.cjs', `module.exports = {
  apps: [{ name: 'api', script: 'app.js', instances: 2, exec_mode: 'cluster', watch: true, log_date_format: 'YYYY' }],
  deploy: { production: { user: 'node' } },
};`);
  const loaded = await loadConfigFile(path);
  assert.deepEqual(loaded.config, { groups: { api: { script: 'app.js', workers: 2 } } });
  assert.deepEqual(loaded.warnings, ['ecosystem.config.cjs: PM2 keys portplex does not use, ignored: deploy, apps[0].watch, apps[0].log_date_format']);
  const json = file('ecosystem.json', JSON.stringify([{ name: 'api', script: 'app.js', instances: 1, env: { A: 1 }, env_production: { A: 2 } }]));
  assert.deepEqual((await loadConfigFile(json, { env: 'production' })).config, { groups: { api: { script: 'app.js', workers: 1, env: { A: '2' } } } });
  assert.match(await failure(file('plain.json', '{ "script": "app.js" }'), 'production'), /^PORTPLEX_INVALID_OPTION --env: chooses the env_production of each app of a PM2 ecosystem file; .*plain\.json is a portplex config/);
});
