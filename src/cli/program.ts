// The `portplex` command line as commander sees it: options, help text, examples. Kept apart
// from main.ts, which runs on import, so the docs test can build and read the same program.
import { Command, Option } from 'commander';
import { ALGORITHMS } from '../balancers/index.js';
import { defaultAdminPath } from '../admin/socket-path.js';
import { DEFAULTS } from '../config/defaults.js';
import { MAX_WORKER_TIMEOUT_MS } from '../metrics/http-endpoint.js';
import { collectPort, listenFlag, sizeFlag, weightList, wholeNumber } from './options.js';
import { nodeArgsFlag } from './node-args.js';
import { groupFlag, routeFlag, stickyFlag } from './content-flags.js';
import { VERSION } from '../version.js';

const EXAMPLES = `
Examples:
  $ portplex -w 4 app.js                          4 workers of app.js, every port it listens on shared
  $ portplex -w 4 -l 8080 -a least-connections app.js -- --app-flag
  $ portplex -l 127.0.0.1:8080 -l [::1]:8080 -w 2 --weights 3,1 app.js
                                                  3 of every 4 connections to worker 1
  $ portplex -w 2 --group api=api.js --route api=path:/api/ --sticky cookie:sid web.js
                                                  /api/ to api.js, the rest to web.js, by session
  $ portplex -w 2 -l 5353 -l udp:5353 dns.js       TCP and UDP on one port (dgram apps unmodified)
  $ portplex -c portplex.json                     everything from a config file
  $ portplex -c ecosystem.config.js               the cluster-mode apps of a PM2 ecosystem file
  $ portplex -w 2 --node-args "--import tsx" app.ts
                                                  Node options for the workers (Node 22.18+ runs .ts without tsx)
  $ portplex status                               workers of the running master
  $ portplex connections --worker 2               its connection record table
  $ portplex reload                               rolling restart (or: kill -HUP <master pid>)
  $ portplex upgrade                              a new master takes the sockets over (or: kill -USR2 <master pid>)

The application is unmodified: in each worker, listen() does not bind; the master binds the
address (-l's, else the app's own host and port) and hands its connections to the workers, as
Node's cluster does. Workers get PORTPLEX_WORKER_ID, and PORT set to -l's first port (without
-l, PORT is left as it is: unset stays unset).

Exit status: 0 clean stop, 1 internal error, 2 bad option or config, 3 cannot listen,
4 crash loop (workers died at start ${DEFAULTS.maxRestarts + 1} times in a row), 5 workers killed after --grace.`;

/** Where a usage error points the user instead of printing the whole help. */
export const HELP_POINTER = 'portplex --help lists the options and commands';

export function program(): Command {
  return new Command('portplex')
    .description('Many Node.js worker processes behind one address and port, balanced by a master.')
    .version(VERSION, '-v, --version')
    .enablePositionalOptions()
    .argument('[script]', 'the application to run in each worker')
    .argument('[args...]', 'arguments for the application (after --)')
    .passThroughOptions()
    .option('-w, --workers <n>', `workers to fork, 1-1024 (default: ${DEFAULTS.workers}, the CPU count or the container's CPU limit)`, wholeNumber(1, 1024))
    .option('-l, --listen <[udp:][host:]port>', 'cluster address to serve, repeatable; udp: for datagrams; systemd:NAME for the socket systemd passed under that name (default: whatever the workers listen on, and every socket systemd passed)', listenFlag)
    .option('--own-port <port>', 'a port each worker binds itself, not shared (e.g. a per-process debug port); repeatable', collectPort)
    .option('--node-args <options>', 'Node options for the workers, split as a shell splits words, e.g. "--max-old-space-size=512 --enable-source-maps" or "--import tsx"; repeatable', nodeArgsFlag)
    .addOption(new Option('--mode <mode>', 'dispatch: the master hands each connection over; direct: workers accept on the shared socket and report (default: dispatch)').choices(['dispatch', 'direct']))
    .addOption(new Option('-a, --algorithm <name>', `balancing algorithm (default: ${DEFAULTS.algorithm})`).choices([...ALGORITHMS]))
    .option('--weights <list>', 'one weight per worker, e.g. 3,1 (every algorithm but first obeys them; 0 drains)', weightList)
    .option('--max-connections <n>', 'concurrent connections per worker, 0 = unlimited (default: 0)', wholeNumber(0))
    .option('--max-memory <size>', 'replace a worker whose resident memory goes above this, e.g. 512M or 1G: the new process first, then the old one drains (default: no limit)', sizeFlag)
    .option('--max-connections-served <n>', 'replace a worker after it has served this many connections, the same way, 0 = never (default: 0)', wholeNumber(0))
    .option('--max-requests <n>', 'replace a worker after its servers received this many HTTP requests, the same way; counts behind a keep-alive proxy, 0 = never (default: 0)', wholeNumber(0))
    .option('--max-requests-jitter <n>', 'each process\'s --max-requests plus a random 0 to n, so workers are not replaced together (default: 0)', wholeNumber(0))
    .option('--max-lifetime <ms>', 'replace a worker after it has been ready this long, the same way, 0 = never (default: 0)', wholeNumber(0))
    .option('--max-lifetime-jitter <ms>', 'each process\'s --max-lifetime plus a random 0 to ms; the group\'s lifetime replacements are at least ms / workers apart (default: 0)', wholeNumber(0))
    .option('--queue-size <n>', `connections that may wait for a free worker (default: ${DEFAULTS.queueSize})`, wholeNumber(0))
    .option('--queue-timeout <ms>', `how long one may wait (default: ${DEFAULTS.queueTimeout})`, wholeNumber(1))
    .option('--max-prereading <n>', 'connections read at once with --preread; past it the oldest being read (the slowest) is closed; 0 = half the open-file budget (default: 0)', wholeNumber(0))
    .option('--handoff-timeout <ms>', `a worker's deadline to take a connection (default: ${DEFAULTS.handoffTimeout})`, wholeNumber(10))
    .option('--grace <ms>', `time workers get to finish on shutdown (default: ${DEFAULTS.grace})`, wholeNumber(0))
    .option('--shutdown-delay <ms>', `on SIGTERM/SIGINT, answer /readyz 503 at once but go on accepting and serving this long before the drain begins, while the platform takes the endpoint away (default: ${DEFAULTS.shutdownDelay})`, wholeNumber(0, 3600 * 1000))
    .option('--wait-ready', 'a worker is ready only when the app calls ready() from portplex/worker or process.send(\'ready\') (as PM2\'s wait_ready), not at its first listen()')
    .option('--udp-timeout <ms>', `forget a UDP flow idle this long (default: ${DEFAULTS.udpTimeout})`, wholeNumber(1))
    .option('--ready-timeout <ms>', `time a worker gets to become ready: listen, or with --wait-ready say so (default: ${DEFAULTS.readyTimeout})`, wholeNumber(1))
    .option('--max-restarts <n>', `consecutive failed starts before giving up (default: ${DEFAULTS.maxRestarts})`, wholeNumber(0))
    .addOption(new Option('--preread <protocol>', 'read each connection\'s first bytes in the master before handing it over').choices(['http', 'tls']))
    .option('--group <name=script>', 'another worker group running its own script, repeatable (the main script is group "default")', groupFlag)
    .option('--route <group=condition>', 'send matching connections to a group, repeatable, first match wins: host:NAME, path:/PREFIX, path~:REGEX, header:NAME=VALUE, sni:NAME, alpn:PROTO', routeFlag)
    .option('--sticky <from:name>', 'keep one key\'s connections on one worker: cookie:NAME, header:NAME or query:NAME', stickyFlag)
    .addOption(new Option('--proxy-protocol <version>', 'expect a PROXY protocol header on every connection').choices(['v1', 'v2', 'any']))
    .addOption(new Option('--on-invalid <action>', 'an unparseable request head or ClientHello: serve it from the default group, or close it (default: default)').choices(['default', 'close']))
    .option('--log-prefix', 'pass workers\' stdout and stderr through the master line by line, the worker id in front (default: on when stdout is a terminal)')
    .option('--no-log-prefix', 'workers write to the master\'s stdout and stderr themselves')
    .addOption(new Option('--log-format <format>', 'the master\'s messages (and worker lines passed through it) as text or JSON lines (default: text)').choices(['text', 'json']))
    .option('-c, --config <file>', 'config file: JSON, or JavaScript (.js, .cjs, .mjs) exporting it; or a PM2 ecosystem file (flags override it)')
    .option('--env <name>', 'with a PM2 ecosystem file: apply each app\'s env_<name> over its env, as pm2 start --env <name>')
    .option('--admin <path>', `admin socket, mode 0600 (default: ${defaultAdminPath()})`)
    .option('--metrics <[host:]port>', 'serve /metrics, /healthz, /readyz, /status (host defaults to 127.0.0.1)')
    .addOption(new Option('--worker-metrics <mode>', 'workers\' own metrics on /metrics (default: aggregate)').choices(['aggregate', 'per-worker', 'both', 'off']))
    .option('--worker-metrics-timeout <ms>', 'how long a scrape waits for workers, 1-9999 (default: 1000)', wholeNumber(1, MAX_WORKER_TIMEOUT_MS))
    .addHelpText('after', EXAMPLES)
    // A mistyped option gets its error line and this pointer, not the whole help above it.
    .showHelpAfterError(`(${HELP_POINTER})`)
    .exitOverride();
}
