// Runs the guide's example scenarios for real (see test/helpers/doc-blocks.ts for the markers).
//
// A scenario runs in a new directory laid out as a user's application: a package.json, a
// node_modules where `portplex` is this project (the others are its own node_modules), a copy of
// examples/, and `portplex` on PATH as the built CLI under the running Node. In page order:
//   - a js or json block is written to its file= (json: portplex.json unless named);
//   - a shell block runs line by line (only its `$ ` lines when it shows a transcript), each in
//     bash in that directory:
//       `portplex [options] SCRIPT`, `portplex -c FILE` and `node FILE.js` serve: they run in the
//       background until they print "workers ready", and until the scenario's next serving
//       line or its end, when they get SIGTERM and must exit 0;
//       `npm install A B` checks that A and B resolve from the directory (no registry here);
//       anything else (portplex status, curl, ...) must exit 0.
// The ports the docs use (3000, 5353, 8080, 8443, 9000, 9100) are replaced by free ports in
// every block, `$PORT` is the one for 8080, and the admin socket lives in the scenario's own
// XDG_RUNTIME_DIR, so scenarios never meet each other or a real master. A script a block names
// but no block writes (app.js, api.js ...) is a copy of examples/hello.js.
// A failure names the page and line of the block, the command and everything it printed.
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import test from 'node:test';
import { dirname, join } from 'node:path';
import { CLI, ROOT, alive, freePort, waitFor } from './cluster.js';
import { markerProblems, pageBlocks, scenarios, SHELL_LANGS, type DocBlock } from './doc-blocks.js';

const DOC_PORTS = ['3000', '5353', '8080', '8443', '9000', '9100'];
const ADMIN_COMMANDS = new Set(['status', 'connections', 'drain', 'undrain', 'weight', 'scale', 'reload', 'upgrade', 'help']);
const READY = /workers ready/;

interface Server {
  child: ChildProcess;
  at: string;
  command: string;
  output: () => string;
  exited: Promise<number | null>;
  admin: boolean;
}

/** Runs one scenario of a page; rejects with the page, line and output of what failed. */
export async function runScenario(name: string, blocks: readonly DocBlock[]): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), `portplex-doc-${name}-`));
  const ports = new Map<string, string>();
  for (const p of DOC_PORTS) {
    let free: number;
    do free = await freePort(); while ([...ports.values()].includes(String(free)));
    ports.set(p, String(free));
  }
  const rewrite = (text: string): string => text.replace(/\b(3000|5353|8080|8443|9000|9100)\b/g, (p) => ports.get(p)!);
  const env = layOut(dir, ports.get('8080')!);
  let server: Server | undefined;
  try {
    const written = new Set<string>();
    for (const b of blocks) if (b.marker?.kind === 'example' && !SHELL_LANGS.has(b.lang)) written.add(b.marker.file ?? 'portplex.json');
    for (const script of new Set(blocks.flatMap((b) => b.text.match(/[\w./-]+\.js\b/g) ?? []))) {
      if (!written.has(script) && !existsSync(join(dir, script))) {
        mkdirSync(dirname(join(dir, script)), { recursive: true });
        cpSync(join(ROOT, 'examples/hello.js'), join(dir, script));
      }
    }
    for (const b of blocks) {
      if (b.marker?.kind !== 'example') continue;
      if (!SHELL_LANGS.has(b.lang)) {
        writeFileSync(join(dir, b.marker.file ?? 'portplex.json'), rewrite(b.text));
        continue;
      }
      for (const { command, line } of commands(b)) {
        const at = `${b.page}:${line}`;
        const cmd = rewrite(command).replace(/^npx\s+portplex\b/, 'portplex');
        const words = cmd.split(/\s+/);
        if (words[0] === 'npm' && words[1] === 'install') {
          checkResolves(dir, words.slice(2).filter((w) => !w.startsWith('-') && w !== ''), at);
        } else if ((words[0] === 'portplex' && !ADMIN_COMMANDS.has(words[1] ?? '') && !/^-(h|v|-help|-version)$/.test(words[1] ?? '')) || (words[0] === 'node' && /\.js$/.test(words[1] ?? ''))) {
          if (server) await stop(server, dir, env);
          server = await serve(cmd, at, dir, env, words[0] === 'portplex');
        } else {
          await once(cmd, at, dir, env, server);
        }
      }
    }
    if (server) await stop(server, dir, env);
    server = undefined;
  } finally {
    if (server && server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The commands of a shell block, with their page lines. */
function commands(b: DocBlock): Array<{ command: string; line: number }> {
  const lines = b.text.split('\n');
  const transcript = lines.some((l) => l.startsWith('$ '));
  const out: Array<{ command: string; line: number }> = [];
  lines.forEach((l, i) => {
    const command = transcript ? (l.startsWith('$ ') ? l.slice(2).trim() : '') : l.trim();
    if (command !== '' && !command.startsWith('#')) out.push({ command, line: b.line + 1 + i });
  });
  return out;
}

/** The scenario's directory as a user's application; returns the environment its commands run with. */
function layOut(dir: string, port: string): NodeJS.ProcessEnv {
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'docs-example', private: true, type: 'module' }));
  mkdirSync(join(dir, 'node_modules'));
  for (const e of readdirSync(join(ROOT, 'node_modules'))) {
    if (!e.startsWith('.')) symlinkSync(join(ROOT, 'node_modules', e), join(dir, 'node_modules', e));
  }
  symlinkSync(ROOT, join(dir, 'node_modules', 'portplex'));
  cpSync(join(ROOT, 'examples'), join(dir, 'examples'), { recursive: true });
  mkdirSync(join(dir, 'bin'));
  writeFileSync(join(dir, 'bin', 'portplex'), `#!/bin/sh\nexec '${process.execPath}' '${CLI}' "$@"\n`);
  chmodSync(join(dir, 'bin', 'portplex'), 0o755);
  mkdirSync(join(dir, 'run'), { mode: 0o700 });
  // node on PATH is the Node running the tests, so `node master.js` runs on the line under test.
  return { ...process.env, PATH: `${join(dir, 'bin')}:${dirname(process.execPath)}:${process.env.PATH ?? ''}`, XDG_RUNTIME_DIR: join(dir, 'run'), PORT: port };
}

function checkResolves(dir: string, packages: string[], at: string): void {
  const require = createRequire(join(dir, 'package.json'));
  for (const p of packages) {
    try {
      require.resolve(`${p}/package.json`);
    } catch {
      throw new Error(`${at}: \`npm install ${packages.join(' ')}\`: ${p} does not resolve from the application's directory`);
    }
  }
}

async function serve(command: string, at: string, dir: string, env: NodeJS.ProcessEnv, admin: boolean): Promise<Server> {
  const child = spawn('bash', ['-c', `exec ${command}`], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => { out += d; });
  child.stderr!.on('data', (d) => { out += d; });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const server: Server = { child, at, command, output: () => out, exited, admin };
  let gone: number | null | undefined;
  void exited.then((code) => { gone = code; });
  try {
    await waitFor(() => READY.test(out) || gone !== undefined, 30000, 'ready');
  } catch {
    child.kill('SIGKILL');
    throw new Error(`${at}: \`${command}\` printed no "workers ready" within 30 s:\n${out}`);
  }
  if (!READY.test(out)) throw new Error(`${at}: \`${command}\` exited with ${gone} before its workers were ready:\n${out}`);
  return server;
}

function once(command: string, at: string, dir: string, env: NodeJS.ProcessEnv, server: Server | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('bash', ['-c', command], { cwd: dir, env, timeout: 60000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (!err) return resolve();
      const beside = server ? `\nthe master started at ${server.at} printed:\n${server.output()}` : '';
      reject(new Error(`${at}: \`${command}\` failed (${err.code ?? err.message}):\n${stdout}${stderr}${beside}`));
    });
  });
}

/**
 * SIGTERM to the serving process, which must exit 0. After `portplex upgrade` another master
 * (the old one's child) serves the admin socket: it is asked its pid and stopped too.
 */
async function stop(server: Server, dir: string, env: NodeJS.ProcessEnv): Promise<void> {
  const successor = server.admin ? await masterPid(dir, env) : undefined;
  if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGTERM');
  const code = await server.exited;
  if (code !== 0) throw new Error(`${server.at}: \`${server.command}\` exited with ${code} on SIGTERM:\n${server.output()}`);
  if (successor !== undefined && successor !== server.child.pid && successor > 1) {
    process.kill(successor, 'SIGTERM');
    await waitFor(() => !alive(successor), 30000, `the master of pid ${successor} to stop`);
  }
}

function masterPid(dir: string, env: NodeJS.ProcessEnv): Promise<number | undefined> {
  return new Promise((resolve) => {
    execFile('bash', ['-c', 'portplex status --json'], { cwd: dir, env, timeout: 10000 }, (err, stdout) => {
      if (err) return resolve(undefined);
      const pid = (JSON.parse(stdout) as { pid?: unknown }).pid;
      resolve(typeof pid === 'number' && Number.isInteger(pid) ? pid : undefined);
    });
  });
}

/** Which integration test file runs the examples of which pages (the unit test checks that every page with examples is listed). */
export const EXAMPLE_PAGES: Readonly<Record<string, readonly string[]>> = {
  readme: ['README.md'],
  operations: ['docs/operations.md'],
  routing: ['docs/balancing.md', 'docs/content-routing.md'],
  modes: ['docs/direct-mode.md', 'docs/udp.md', 'docs/api.md'],
  deploy: ['docs/deploy.md'],
  pm2: ['docs/coming-from-pm2.md'],
};

/** Registers one test per example scenario of the pages `EXAMPLE_PAGES[key]` lists. */
export function exampleTests(key: keyof typeof EXAMPLE_PAGES & string): void {
  for (const page of EXAMPLE_PAGES[key]!) {
    const blocks = pageBlocks(ROOT, page);
    const problems = markerProblems(blocks);
    const found = scenarios(blocks);
    test(`${page} has runnable examples, every block marked`, () => {
      assert.deepEqual(problems, []);
      assert.ok(found.size > 0, `${page} has no <!-- example: NAME --> block`);
    });
    for (const [name, list] of found) {
      test(`${page}: example "${name}" (line ${list[0]!.line}) runs`, { timeout: 240000 }, () => runScenario(name, list));
    }
  }
}
