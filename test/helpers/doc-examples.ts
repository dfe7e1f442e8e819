// Runs the guide's example scenarios for real (see test/helpers/doc-blocks.ts for the markers).
//
// A scenario runs in a new directory laid out as a user's application, with portplex installed
// from the package as `npm pack` builds it (so a file the package does not ship is missing here
// too); the registry's other packages are this project's node_modules, linked. In page order:
//   - a js or json block is written to its file= (json: portplex.json unless named);
//   - a shell block runs line by line (only its `$ ` lines when it shows a transcript), each in
//     bash in that directory:
//       `[npx] portplex [options] SCRIPT`, `portplex -c FILE` and `node FILE.js` serve: they run
//       in the background until they print "workers ready", and until the scenario's next serving
//       line or its end, when they are stopped and must stop cleanly;
//       `npm install A B` installs portplex if named, and checks that A and B resolve;
//       anything else (npm init, portplex status, curl, ...) must exit 0.
// README.md is followed as a new user follows it: the directory starts empty (no package.json,
// no portplex, nothing on PATH but Node and npm), every script it runs must be one it wrote, and
// a serving `npx portplex` line is stopped as a terminal's Ctrl-C does (SIGINT to its process
// group: npx itself does not pass a signal on). The other pages start where the README leaves a
// user: portplex installed, "type": "module", `portplex` on PATH (npx's), a copy of the package's
// examples/, and a script a block names but no block writes (app.js, api.js ...) is a copy of
// examples/hello.js.
// The ports the docs use (3000, 5353, 8080, 8443, 9000, 9100) are replaced by free ports in
// every block, `$PORT` is the one for 8080 (not in README.md), and the admin socket lives in the
// scenario's own XDG_RUNTIME_DIR, so scenarios never meet each other or a real master.
// A failure names the page and line of the block, the command and everything it printed.
import assert from 'node:assert/strict';
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import test from 'node:test';
import { dirname, join } from 'node:path';
import { ROOT, alive, freePort, waitFor } from './cluster.js';
import { markerProblems, pageBlocks, scenarios, SHELL_LANGS, type DocBlock } from './doc-blocks.js';

const DOC_PORTS = ['3000', '5353', '8080', '8443', '9000', '9100'];
const ADMIN_COMMANDS = new Set(['status', 'top', 'connections', 'events', 'drain', 'undrain', 'weight', 'scale', 'reload', 'upgrade', 'help']);
const READY = /workers ready/;
/** Pages followed from an empty directory, as a new user does. */
const FROM_NOTHING = new Set(['README.md']);

interface Server {
  child: ChildProcess;
  at: string;
  command: string;
  output: () => string;
  exited: Promise<number | null>;
  admin: boolean;
  /** Run through npx: stopped by SIGINT to its process group, its master's pid read from its output. */
  npx: boolean;
}

interface Scenario {
  dir: string;
  env: NodeJS.ProcessEnv;
  /** How the scenario's shell reaches the CLI (for the harness's own status calls). */
  portplex: string;
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
  const fromNothing = blocks.every((b) => FROM_NOTHING.has(b.page));
  const sc = fromNothing ? layOutEmpty(dir) : layOutApp(dir, ports.get('8080')!);
  let server: Server | undefined;
  try {
    const written = new Set<string>();
    for (const b of blocks) if (b.marker?.kind === 'example' && !SHELL_LANGS.has(b.lang)) written.add(b.marker.file ?? 'portplex.json');
    if (!fromNothing) {
      for (const script of new Set(blocks.flatMap((b) => b.text.match(/[\w./-]+\.js\b/g) ?? []))) {
        if (!written.has(script) && !existsSync(join(dir, script))) {
          mkdirSync(dirname(join(dir, script)), { recursive: true });
          cpSync(join(ROOT, 'examples/hello.js'), join(dir, script));
        }
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
        const written = rewrite(command);
        const npx = /^npx\s+portplex\b/.test(written);
        // The harness's own choices (what serves, what is an admin command) read the command without npx.
        const words = written.replace(/^npx\s+portplex\b/, 'portplex').split(/\s+/);
        if (words[0] === 'npm' && words[1] === 'install') {
          const packages = words.slice(2).filter((w) => !w.startsWith('-') && w !== '');
          if (packages.includes('portplex')) installPortplex(dir);
          checkResolves(dir, packages, at);
        } else if ((words[0] === 'portplex' && !ADMIN_COMMANDS.has(words[1] ?? '') && !/^-(h|v|-help|-version)$/.test(words[1] ?? '')) || (words[0] === 'node' && /\.js$/.test(words[1] ?? ''))) {
          if (server) await stop(server, sc);
          server = await serve(written, at, sc, words[0] === 'portplex', npx);
        } else {
          await once(written, at, sc, server);
        }
      }
    }
    if (server) await stop(server, sc);
    server = undefined;
  } finally {
    if (server && server.child.exitCode === null && server.child.signalCode === null) {
      if (server.npx) process.kill(-server.child.pid!, 'SIGKILL');
      else server.child.kill('SIGKILL');
    }
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

let packed: string | undefined;

/** The package as `npm pack` builds it from this checkout (built once per test process). */
function tarball(): string {
  if (packed !== undefined) return packed;
  const into = mkdtempSync(join(tmpdir(), 'portplex-pack-'));
  // dist/ is built by `npm test` before any test runs; prepack would only build it again.
  const out = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', into], { cwd: ROOT, encoding: 'utf8', env: { ...withoutNpm(), npm_config_offline: 'true', npm_config_update_notifier: 'false' } });
  packed = join(into, (JSON.parse(out) as Array<{ filename: string }>)[0]!.filename);
  process.once('exit', () => rmSync(into, { recursive: true, force: true }));
  return packed;
}

/**
 * This process's environment without npm's variables from the `npm test` around us: with them
 * (npm_config_local_prefix ...) an inner npm would work on this project, not the scenario's.
 */
function withoutNpm(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k)) env[k] = v;
  return env;
}

/** What `npm install portplex` leaves: the package unpacked, its bin linked and executable. */
function installPortplex(dir: string): void {
  const into = join(dir, 'node_modules', 'portplex');
  if (existsSync(into)) return;
  mkdirSync(into, { recursive: true });
  execFileSync('tar', ['xzf', tarball(), '-C', into, '--strip-components=1']);
  const bins = (createRequire(join(into, 'package.json'))('./package.json') as { bin: Record<string, string> }).bin;
  mkdirSync(join(dir, 'node_modules', '.bin'), { recursive: true });
  for (const [name, file] of Object.entries(bins)) {
    chmodSync(join(into, file), 0o755);
    symlinkSync(join('..', 'portplex', file), join(dir, 'node_modules', '.bin', name));
  }
}

/**
 * The packages a user could install: this project's node_modules, linked (there is no registry
 * here), and the scenario's own runtime directory for the admin socket.
 */
function linkRegistry(dir: string): void {
  mkdirSync(join(dir, 'node_modules'));
  for (const e of readdirSync(join(ROOT, 'node_modules'))) {
    if (!e.startsWith('.')) symlinkSync(join(ROOT, 'node_modules', e), join(dir, 'node_modules', e));
  }
  mkdirSync(join(dir, 'run'), { mode: 0o700 });
}

/** The environment a scenario's commands run with: node on PATH is the Node running the tests, so every line runs on the Node line under test. */
function scenarioEnv(dir: string, pathFirst: string[]): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...withoutNpm(),
    PATH: [...pathFirst, dirname(process.execPath), process.env.PATH ?? ''].join(':'),
    XDG_RUNTIME_DIR: join(dir, 'run'),
    npm_config_offline: 'true',
    npm_config_update_notifier: 'false',
    npm_config_fund: 'false',
  };
  delete env.PORT;
  return env;
}

/** README.md's start: an empty directory; portplex comes with its `npm install` line. */
function layOutEmpty(dir: string): Scenario {
  linkRegistry(dir);
  return { dir, env: scenarioEnv(dir, []), portplex: 'npx portplex' };
}

/** The other pages' start: an application directory with portplex installed. */
function layOutApp(dir: string, port: string): Scenario {
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'docs-example', private: true, type: 'module' }));
  linkRegistry(dir);
  installPortplex(dir);
  cpSync(join(dir, 'node_modules', 'portplex', 'examples'), join(dir, 'examples'), { recursive: true });
  return { dir, env: { ...scenarioEnv(dir, [join(dir, 'node_modules', '.bin')]), PORT: port }, portplex: 'portplex' };
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

async function serve(command: string, at: string, sc: Scenario, admin: boolean, npx: boolean): Promise<Server> {
  // npx in its own process group, as a terminal runs a foreground job: Ctrl-C reaches all of it.
  const child = spawn('bash', ['-c', `exec ${command}`], { cwd: sc.dir, env: sc.env, stdio: ['ignore', 'pipe', 'pipe'], detached: npx });
  let out = '';
  child.stdout!.on('data', (d) => { out += d; });
  child.stderr!.on('data', (d) => { out += d; });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const server: Server = { child, at, command, output: () => out, exited, admin, npx };
  let gone: number | null | undefined;
  void exited.then((code) => { gone = code; });
  try {
    await waitFor(() => READY.test(out) || gone !== undefined, 30000, 'ready');
  } catch {
    if (npx) process.kill(-child.pid!, 'SIGKILL');
    else child.kill('SIGKILL');
    throw new Error(`${at}: \`${command}\` printed no "workers ready" within 30 s:\n${out}`);
  }
  if (!READY.test(out)) throw new Error(`${at}: \`${command}\` exited with ${gone} before its workers were ready:\n${out}`);
  return server;
}

function once(command: string, at: string, sc: Scenario, server: Server | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('bash', ['-c', command], { cwd: sc.dir, env: sc.env, timeout: 60000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (!err) return resolve();
      const beside = server ? `\nthe master started at ${server.at} printed:\n${server.output()}` : '';
      reject(new Error(`${at}: \`${command}\` failed (${err.code ?? err.message}):\n${stdout}${stderr}${beside}`));
    });
  });
}

/**
 * Stops the serving process, which must stop cleanly: SIGTERM and exit 0, or for npx, Ctrl-C to
 * its group and the master's "stopped cleanly" (npx's own exit says nothing of it). After
 * `portplex upgrade` another master (the old one's child) serves the admin socket: it is asked
 * its pid and stopped too.
 */
async function stop(server: Server, sc: Scenario): Promise<void> {
  const successor = server.admin ? await masterPid(sc) : undefined;
  const running = server.child.exitCode === null && server.child.signalCode === null;
  if (server.npx) {
    const master = Number(/master pid (\d+)/.exec(server.output())?.[1]);
    if (running) process.kill(-server.child.pid!, 'SIGINT');
    await server.exited;
    if (master > 1) await waitFor(() => !alive(master), 30000, `the master of pid ${master} to stop`);
    if (!/stopped cleanly/.test(server.output())) throw new Error(`${server.at}: \`${server.command}\` did not stop cleanly on Ctrl-C:\n${server.output()}`);
  } else {
    if (running) server.child.kill('SIGTERM');
    const code = await server.exited;
    if (code !== 0) throw new Error(`${server.at}: \`${server.command}\` exited with ${code} on SIGTERM:\n${server.output()}`);
  }
  if (successor !== undefined && successor !== server.child.pid && successor > 1 && alive(successor)) {
    process.kill(successor, 'SIGTERM');
    await waitFor(() => !alive(successor), 30000, `the master of pid ${successor} to stop`);
  }
}

function masterPid(sc: Scenario): Promise<number | undefined> {
  return new Promise((resolve) => {
    execFile('bash', ['-c', `${sc.portplex} status --json`], { cwd: sc.dir, env: sc.env, timeout: 10000 }, (err, stdout) => {
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
