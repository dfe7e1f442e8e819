// `portplex <script>`: starts a master in the foreground and drains it on SIGINT/SIGTERM.
import { hostPort } from '../address.js';
import { relative, resolve } from 'node:path';
import { startAdminServer, type AdminServer } from '../admin/server.js';
import { defaultAdminPath, prepareAdminDir } from '../admin/socket-path.js';
import { loadConfigFile } from '../config/load-file.js';
import { parseListen } from '../config/listen-address.js';
import { createMasterMetrics } from '../metrics/master-metrics.js';
import { startMetricsServer, type MetricsServer } from '../metrics/http-endpoint.js';
import type { UserConfig } from '../config/types.js';
import { validateConfig } from '../config/validate.js';
import { CODES, ConfigError, EXIT, PortplexError } from '../errors.js';
import { masterLine } from '../logs/format.js';
import { Master, type ListenerInfo } from '../master/master.js';
import { withFlagNames } from './flag-names.js';
import { mergeFlags, type Flags } from './options.js';
import { pid1Warning } from './pid1.js';
import { scriptWordError } from './script-word.js';
import { VERSION } from '../version.js';
import { AdminError } from '../admin/commands.js';
import type { InheritedSockets } from '../master/inherited.js';
import { systemdService } from '../systemd/service.js';
import { takeActivation } from '../systemd/activated-sockets.js';
import { startSuccessor } from '../upgrade/successor.js';
import { announceReady, receiveSockets, reportFailure, takingOver } from '../upgrade/take-over.js';

/** Runs until stopped; resolves with the process exit status. */
export async function run(script: string | undefined, args: string[], flags: Flags): Promise<number> {
  if (!takingOver()) return serve(script, args, flags, undefined);
  // Started by `portplex upgrade`: whatever stops this master before it is ready, the old master
  // hears why and goes on serving.
  try {
    const code = await serve(script, args, flags, await receiveSockets());
    if (code !== EXIT.ok) reportFailure(new PortplexError(CODES.UPGRADE_FAILED, `it stopped with exit status ${code} before it was ready`));
    return code;
  } catch (err) {
    reportFailure(err);
    throw err;
  }
}

async function serve(script: string | undefined, args: string[], flags: Flags, inherited: InheritedSockets | undefined): Promise<number> {
  // Socket activation: LISTEN_* leave the environment here, before anything can be forked.
  const activation = takeActivation(inherited);
  // `portplex logs` and the like: another process manager's command, not a missing file.
  const word = script === undefined ? undefined : scriptWordError(script);
  if (word !== undefined) throw word;
  let file: UserConfig = {};
  let baseDir = process.cwd();
  let fileWarnings: readonly string[] = [];
  if (flags.env !== undefined && !flags.config) throw new ConfigError(CODES.INVALID_OPTION, '--env', 'chooses the env_NAME of a PM2 ecosystem file: give the file with -c');
  if (flags.config) ({ config: file, baseDir, warnings: fileWarnings } = await loadConfigFile(flags.config, { env: flags.env }));
  // A script given on the command line is relative to the current directory, not the config file.
  const merged = mergeFlags(file, flags, script === undefined ? undefined : resolve(script), args);
  // Prefixed lines are for reading in a terminal; a pipe (a log shipper, a file) gets them as written.
  if (merged.logPrefix === undefined) merged.logPrefix = process.stdout.isTTY === true;
  let config;
  try {
    config = validateConfig(merged, baseDir, activation.sockets?.sockets);
  } catch (err) {
    throw err instanceof ConfigError ? withFlagNames(err, flags, file) : err;
  }
  // Every message is one write of one whole line, as the workers' lines passed through are.
  const info = (msg: string): void => { process.stdout.write(masterLine(config.logFormat, 'info', msg)); };
  const error = (msg: string): void => { process.stderr.write(masterLine(config.logFormat, 'error', msg)); };
  const warn = (msg: string): void => { process.stderr.write(masterLine(config.logFormat, 'warn', msg)); };
  // Checked before anything starts: a bad --metrics is a usage error, like any other flag.
  const metricsAt = flags.metrics === undefined ? undefined : parseListen(flags.metrics, '--metrics');
  const adminPath = flags.admin ?? defaultAdminPath();
  // Checked before anything starts: an admin directory another user could have made refuses the
  // start (a master nobody can reach, or one that talks on another user's socket, is worse).
  try {
    prepareAdminDir(adminPath);
  } catch (err) {
    if (err instanceof PortplexError) throw err;
    // Cannot be made (EACCES): the master serves without it, as the start of the socket says below.
  }
  if (activation.ignored !== undefined) warn(activation.ignored);
  for (const w of fileWarnings) warn(w);
  const master = new Master(config, inherited, activation.sockets);
  // Type=notify: systemd hears of the master's lifecycle (READY=1, RELOADING=1, STOPPING=1, ...).
  const service = systemdService(master, { env: process.env, pid: process.pid, successor: inherited !== undefined, warn });
  const started = Date.now();
  master.on('log', (line: string) => warn(line));
  const lifecycle = master.lifecycle;
  master.on('worker-exit', (w: { id: number; pid: number }, reason: string) => {
    if (!lifecycle.ending) warn(`worker ${w.id} (pid ${w.pid}) ${reason}`);
  });
  master.on('ready', () => {
    const n = config.groups.reduce((s, g) => s + g.workers, 0);
    info(`${n}/${n} workers ready in ${Date.now() - started} ms`);
  });
  // A listener bound because the workers' listen() asked for it.
  master.on('listener', (l: ListenerInfo) => info(`${listeningLine(l)}, asked by the app`));
  const onSignal = (signal: NodeJS.Signals): void => {
    if (lifecycle.ending) {
      error(`${signal} again, killing workers now`);
      master.kill();
      return;
    }
    if (config.shutdownDelay > 0) info(`${signal}: not ready any more; serving ${config.shutdownDelay} ms more, then draining (up to ${config.grace} ms)`);
    else info(`${signal}, draining (up to ${config.grace} ms)`);
    void master.stop();
  };
  master.on('draining', () => {
    if (config.shutdownDelay > 0) info('shutdown delay over: no new connections, draining');
  });
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const onHangup = (): void => {
    if (lifecycle.ending) return;
    info('SIGHUP, rolling reload');
    void master.reload().then((r) => {
      if (r.failed) error(`reload stopped: worker ${r.failed.worker} kept its old process: ${r.failed.reason}`);
      else info(`reloaded workers ${r.replaced.join(', ')}`);
    });
  };
  process.on('SIGHUP', onHangup);
  master.on('error', (err: PortplexError) => {
    if (inherited) reportFailure(err);
    error(`${err.message} [${err.code}]`);
  });

  const listeners = await master.start();
  let metrics: { server: MetricsServer; close(): void } | undefined;
  let admin: AdminServer | undefined;
  /** This master was replaced by a new one (`portplex upgrade`) and drains. */
  let upgraded = false;
  // `portplex upgrade` (or SIGUSR2, as nginx's binary upgrade): the same command line runs again
  // as a new master that takes this one's sockets; this one stops once that one is ready.
  const upgrade = async (): Promise<{ pid: number; previous: number }> => {
    if (!master.beginUpgrade()) throw new AdminError('BUSY', `${lifecycle.describe()}: no upgrade now`);
    let next;
    try {
      next = await startSuccessor(master, {
        execPath: process.execPath,
        args: [...process.execArgv, ...process.argv.slice(1)],
        cwd: process.cwd(),
        // The watchdog is the new master's once it is the service's main process.
        env: withoutKeys(process.env, ['WATCHDOG_PID']),
        timeoutMs: config.readyTimeout + 10000,
      });
    } catch (err) {
      master.upgradeFailed((err as Error).message);
      error(`upgrade failed, this master goes on serving: ${(err as Error).message}`);
      throw new AdminError('UPGRADE_FAILED', `${(err as Error).message}; the master (pid ${process.pid}) goes on serving`);
    }
    upgraded = true;
    service?.handedOver();
    // Both free their address at once (the listening descriptor closes in close()).
    void admin?.close();
    void metrics?.server.close();
    next.release();
    info(`upgrade: master pid ${next.pid} serves now; this one (pid ${process.pid}) drains its workers`);
    void master.retire();
    return { pid: next.pid, previous: process.pid };
  };
  const onUpgradeSignal = (): void => {
    info('SIGUSR2, upgrade');
    upgrade().catch(() => {});
  };
  process.on('SIGUSR2', onUpgradeSignal);
  if (inherited) {
    // The old master holds the admin socket and the metrics port until this one is ready.
    const ready = new Promise<boolean>((resolve) => {
      master.once('ready', () => resolve(true));
      void master.closed.then(() => resolve(false));
    });
    if (await ready) {
      // systemd must know this master as the main process (MAINPID=) before the old one can exit:
      // the old main process gone first would end the service, this master with it.
      await service?.flushed();
      await announceReady();
      info(`took over ${inherited.taken} listening socket(s) from the old master`);
    }
  }
  if (metricsAt && !lifecycle.ending) {
    const m = createMasterMetrics(master);
    try {
      // Loopback unless a host is given: metrics describe the fleet and should not be public by accident.
      const server = await startMetricsServer(master, m.registry, {
        host: metricsAt.host ?? '127.0.0.1',
        port: metricsAt.port,
        workerMetrics: flags.workerMetrics,
        workerTimeoutMs: flags.workerMetricsTimeout,
      });
      metrics = { server, close: () => m.close() };
    } catch (err) {
      await master.stop();
      throw new PortplexError(CODES.LISTEN_FAILED, `cannot serve metrics on ${flags.metrics}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, EXIT.listen);
    }
  }
  try {
    if (!lifecycle.ending) admin = await startAdminServer(master, adminPath, { upgrade, log: info });
  } catch (err) {
    if (err instanceof PortplexError && err.code === CODES.UNSAFE_ADMIN_PATH) {
      await master.stop();
      throw err;
    }
    error(`admin socket disabled: ${(err as Error).message}`);
  }
  const groups = config.groups.map((g) => `${g.workers} x ${relative(process.cwd(), g.script) || g.script}`).join(', ');
  const banner = `portplex ${VERSION}: master pid ${process.pid}, ${groups}`;
  if (config.logFormat === 'json') info(banner);
  else process.stdout.write(`${banner}\n`);
  const pid1 = pid1Warning();
  if (pid1 !== undefined) warn(pid1);
  for (const l of listeners) info(listeningLine(l));
  if (listeners.length === 0) info('no listener configured: serving whatever the workers listen on');
  if (admin) info(`admin socket ${admin.path} (portplex status, portplex connections)`);
  if (metrics) info(`metrics on http://${hostPort(metrics.server.address, metrics.server.port)}/metrics`);
  const code = await master.closed;
  await service?.close();
  await admin?.close();
  await metrics?.server.close();
  metrics?.close();
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  process.off('SIGHUP', onHangup);
  process.off('SIGUSR2', onUpgradeSignal);
  if (upgraded) info('drained after the upgrade');
  else if (code === EXIT.ok) info('stopped cleanly');
  else if (code === EXIT.forcedStop) error('stopped; some workers had to be killed (a second signal, or --grace ran out)');
  return code;
}

/** `env` without `keys`. */
function withoutKeys(env: NodeJS.ProcessEnv, keys: readonly string[]): NodeJS.ProcessEnv {
  const out = { ...env };
  for (const k of keys) delete out[k];
  return out;
}

/** "listening on 127.0.0.1:8080 (tcp) -> group default, round-robin"; "(tcp, from systemd: web)" for a socket systemd passed. */
function listeningLine(l: ListenerInfo): string {
  const routed = l.groups.length > 1 ? ` (default; by content also ${l.groups.slice(1).join(', ')})` : '';
  const how = l.mode === 'direct' ? 'direct (workers accept)' : l.algorithm;
  const from = l.origin === 'systemd' ? `, from systemd${l.fdName !== undefined ? `: ${l.fdName}` : ''}` : l.origin === 'upgrade' ? ', from the old master' : '';
  return `listening on ${hostPort(l.address, l.port, l.family)} (${l.family === 'unix' ? 'unix' : l.protocol}${from}) -> group ${l.group}${routed}, ${how}`;
}
