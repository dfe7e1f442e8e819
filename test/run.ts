// `npm test`: runs every test file under dist/test with node:test, the same way on every Node
// line. Node 20 takes a directory and runs every .js in it (helpers too); 22 and later take only
// files or globs, and globs are not read by Node 20. So the files are listed here.
//
//   node dist/test/run.js [filter...] [-- node --test options]
// A filter keeps the files whose path contains it (`npm test -- integration/udp`).
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));

function testFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    if (e.isDirectory()) out.push(...testFiles(path));
    else if (e.name.endsWith('.test.js')) out.push(path);
  }
  return out;
}

const args = process.argv.slice(2);
const dash = args.indexOf('--');
const filters = dash < 0 ? args.filter((a) => !a.startsWith('-')) : args.slice(0, dash);
const options = dash < 0 ? args.filter((a) => a.startsWith('-')) : args.slice(dash + 1);
const files = testFiles(here).sort().filter((f) => filters.length === 0 || filters.some((x) => relative(here, f).includes(x)));
if (files.length === 0) {
  console.error(`no test file matches ${filters.map((f) => JSON.stringify(f)).join(', ')}`);
  process.exit(2);
}
// Two at a time: the machines this runs on have two cores, and the integration tests fork
// several processes each. A test still running after 5 minutes has hung (the longest take under
// a minute on a loaded machine): it fails, named, instead of holding the whole run.
const child = spawn(process.execPath, ['--test', '--test-concurrency=2', '--test-timeout=300000', ...options, ...files], { stdio: 'inherit' });
child.on('exit', (code, signal) => {
  process.exitCode = code ?? (signal ? 1 : 0);
});
for (const s of ['SIGINT', 'SIGTERM'] as const) process.on(s, () => child.kill(s));
