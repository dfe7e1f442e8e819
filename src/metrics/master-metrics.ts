// Prometheus metrics of one master. Values are read from the master's own counters when a scrape
// asks (collect callbacks), so accepting and handing over a connection never calls prom-client;
// the one per-connection observation, the hand-over histogram, rides the diagnostics channel,
// which the dispatcher publishes to only while someone subscribes.
import { hostPort } from '../address.js';
import diagnostics from 'node:diagnostics_channel';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { channels } from '../diagnostics.js';
import type { Master, WorkerInfo } from '../master/master.js';
import type { DropReason, RetryReason } from '../master/stats.js';
import type { WorkerFaultKind } from '../ipc/protocol.js';
import { BROKEN_REASONS } from '../ipc/frame-channel.js';
import { UDP_DROP_REASONS } from '../udp/udp-stats.js';
import { RECYCLE_REASONS } from '../workers/worker.js';

/** Why a worker process exited, as a bounded label. */
export type ExitReason = 'clean' | 'error' | 'signal';

const EXIT_REASONS: readonly ExitReason[] = ['clean', 'error', 'signal'];

/** Upper bounds in seconds: 50 us to 1 s, roughly 1-2.5-5 per decade. */
export const HANDOFF_BUCKETS: readonly number[] = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];

type Labels = Record<string, string>;

/** Metrics of one master in a registry; close() detaches them. */
export interface MasterMetrics {
  readonly registry: Registry;
  close(): void;
}

/** Registers portplex's metrics for `master` in `options.registry` (default: a new, private one). */
export function createMasterMetrics(master: Master, options: { registry?: Registry } = {}): MasterMetrics {
  const registry = options.registry ?? new Registry();
  const registers = [registry];
  const names: string[] = [];

  // A counter whose total the master already keeps: each scrape replaces the value, never adds
  // to it. collect() is synchronous, and prom-client reads the values right after it returns.
  const total = (name: string, help: string, labelNames: string[], read: () => Array<[Labels, number]>): void => {
    names.push(name);
    new Counter({
      name, help, labelNames, registers,
      collect() {
        this.reset();
        for (const [labels, value] of read()) this.inc(labels, value);
      },
    });
  };
  const gauge = (name: string, help: string, labelNames: string[], read: () => Array<[Labels, number]>): void => {
    names.push(name);
    new Gauge({
      name, help, labelNames, registers,
      collect() {
        // Reset first so a label set that is gone does not linger with its last value.
        this.reset();
        for (const [labels, value] of read()) this.set(labels, value);
      },
    });
  };
  const perWorker = (value: (w: WorkerInfo) => number, withGroup = true) => (): Array<[Labels, number]> =>
    master.workers().map((w): [Labels, number] => [withGroup ? { worker: String(w.id), group: w.group } : { worker: String(w.id) }, value(w)]);
  const stats = master.stats;

  total('portplex_connections_accepted_total', 'Connections accepted, per listener.', ['listener', 'address'], () =>
    master.listenerInfo().map((l) => [{ listener: String(l.index), address: hostPort(l.address, l.port, l.family) }, stats.accepted[l.index] ?? 0]));
  total('portplex_connections_handed_over_total', 'Connections a worker acknowledged, per worker id (kept across restarts).', ['worker'],
    perWorker((w) => w.handedOver, false));
  total('portplex_connections_direct_accepted_total', 'Connections the worker accepted itself on a shared socket (direct mode), per worker id.', ['worker'],
    perWorker((w) => w.accepted, false));
  total('portplex_shared_socket_moves_total', 'Direct mode: times a worker was given a shared socket, or had it taken to keep the balance.', ['action'], () =>
    [[{ action: 'given' }, stats.sharedGiven], [{ action: 'taken' }, stats.sharedTaken]]);
  total('portplex_connections_dropped_total', 'Connections the master closed because no worker could take them, by reason.', ['reason'], () =>
    (Object.keys(stats.dropped) as DropReason[]).map((reason) => [{ reason }, stats.dropped[reason]]));
  total('portplex_handoff_retries_total', 'Hand-overs tried again with another worker, by reason.', ['reason'], () =>
    (Object.keys(stats.retries) as RetryReason[]).map((reason) => [{ reason }, stats.retries[reason]]));
  total('portplex_content_routed_total', 'Connections content-aware listeners sent to each group after reading their first bytes.', ['listener', 'group'], () =>
    master.routed().map((r) => [{ listener: String(r.listener), group: r.group }, r.connections]));
  total('portplex_content_invalid_total', 'Request heads or ClientHellos the master could not parse, by parser reason (served by the default group or closed, per onInvalid).', ['listener', 'reason'], () => {
    const out: Array<[Labels, number]> = [];
    stats.contentInvalid.forEach((m, l) => { for (const [reason, n] of m) out.push([{ listener: String(l), reason }, n]); });
    return out;
  });
  total('portplex_connections_rescued_total', 'Connections a dead worker had taken but not begun on (nothing read or written), served whole by another worker.', [], () => [[{}, stats.rescued]]);
  total('portplex_connections_cut_total', 'Connections a worker was serving when it died: their clients saw them reset.', [], () => [[{}, stats.cut]]);
  total('portplex_handoff_timeouts_total', 'Hand-overs a worker did not acknowledge within the hand-over deadline.', [], () => [[{}, stats.handoffTimeouts]]);
  total('portplex_ipc_malformed_messages_total', 'Messages from workers that were not of the portplex protocol (ignored).', [], () => [[{}, stats.malformed + master.udpStats.malformed]]);
  total('portplex_worker_faults_total', "Throws of portplex's own code inside worker processes, caught there (the application's process went on), by where they happened.", ['kind'], () =>
    (Object.keys(stats.workerFaults) as WorkerFaultKind[]).map((kind) => [{ kind }, stats.workerFaults[kind]]));
  total('portplex_ipc_broken_channels_total', 'Worker IPC channels given up for what could not be read on them (the worker was killed and replaced), by reason.', ['reason'], () =>
    BROKEN_REASONS.map((reason) => [{ reason }, stats.brokenChannels[reason]]));
  total('portplex_accept_errors_total', 'Failed accept() calls on the listeners.', [], () => [[{}, stats.acceptErrors]]);
  total('portplex_sticky_routed_total', 'Connections with a sticky key, sent to the worker that created the session (by="session") or by the key\'s hash (by="hash": a key the master does not know).', ['by'],
    () => [[{ by: 'session' }, stats.sticky.session], [{ by: 'hash' }, stats.sticky.hash]]);
  total('portplex_sticky_sessions_forgotten_total', 'Sticky session keys forgotten: evicted for room, expired unused, or purged with their process.', ['reason'],
    () => [[{ reason: 'evicted' }, master.sessions.evicted], [{ reason: 'expired' }, master.sessions.expired], [{ reason: 'purged' }, master.sessions.purged]]);
  total('portplex_worker_restarts_total', 'Times the worker was restarted.', ['worker', 'group'], perWorker((w) => w.restarts));

  gauge('portplex_connections_active', "Connections in the master's connection table assigned to the worker.", ['worker'],
    perWorker((w) => w.active, false));
  // The queue keeps no count the master exposes; the table scan is O(capacity), fine per scrape.
  gauge('portplex_queue_connections', 'Connections waiting for an eligible worker.', [], () => [[{}, master.connections({ state: 'queued' }).length]]);
  gauge('portplex_connections_held', "Connections whose descriptor the master holds: queued, being read or handed over, or taken by a worker that has not read from them yet.", [], () => [[{}, master.heldConnections]]);
  gauge('portplex_sticky_sessions', 'Sticky session keys the master knows the worker of (workers report the sessions they create).', [], () => [[{}, master.sessions.size]]);
  gauge('portplex_table_records', 'Records in the connection table (queued, handing over, established).', [], () => [[{}, master.table.size]]);
  gauge('portplex_worker_up', 'Whether the worker process is running (starting, ready or stopping).', ['worker', 'group'],
    perWorker((w) => (w.state === 'exited' ? 0 : 1)));
  gauge('portplex_worker_ready', 'Whether the worker is ready to take connections.', ['worker', 'group'], perWorker((w) => (w.state === 'ready' ? 1 : 0)));
  gauge('portplex_worker_weight', 'Balancing weight of the worker (0 drains it).', ['worker', 'group'], perWorker((w) => w.weight));
  gauge('portplex_worker_healthy', 'Whether the worker passes its heartbeat health checks.', ['worker', 'group'], perWorker((w) => (w.healthy ? 1 : 0)));
  gauge('portplex_worker_event_loop_delay_seconds', 'Largest event-loop delay the worker reported since its previous heartbeat.', ['worker', 'group'],
    perWorker((w) => w.loopDelayMs / 1000));

  // Resources per worker, as its process reported them with its last heartbeat answer (a worker
  // that has not reported yet, or is down, has no series), and its recycles.
  const reported = (value: (w: WorkerInfo) => number | null) => (): Array<[Labels, number]> =>
    master.workers().flatMap((w): Array<[Labels, number]> => {
      const v = value(w);
      return v === null ? [] : [[{ worker: String(w.id), group: w.group }, v]];
    });
  gauge('portplex_worker_cpu_ratio', 'CPU seconds per second the worker process used over its last heartbeat interval (1 = one core busy).', ['worker', 'group'],
    reported((w) => (w.cpuPercent === null ? null : w.cpuPercent / 100)));
  gauge('portplex_worker_resident_memory_bytes', 'Resident set size of the worker process at its last heartbeat.', ['worker', 'group'], reported((w) => w.rssBytes));
  gauge('portplex_worker_heap_used_bytes', 'V8 heap used by the worker process at its last heartbeat.', ['worker', 'group'], reported((w) => w.heapUsedBytes));
  gauge('portplex_worker_connections_per_second', 'New connections per second the worker got between its last two heartbeats.', ['worker', 'group'],
    perWorker((w) => w.connectionsPerSecond));
  gauge('portplex_worker_uptime_seconds', 'Seconds since the worker\'s current process started (0 while down).', ['worker', 'group'], perWorker((w) => w.uptimeMs / 1000));
  total('portplex_worker_recycles_total', 'Times a healthy worker process was replaced, new one first, for going over a limit: memory (maxMemory), connections (maxConnectionsServed), requests (maxRequests) or lifetime (maxLifetime).', ['worker', 'reason'],
    () => master.workers().flatMap((w): Array<[Labels, number]> => RECYCLE_REASONS.map((reason) => [{ worker: String(w.id), reason }, w.recycles[reason]])));

  // UDP: flows per listener, datagrams and bytes per worker, drops by reason; all plain counters
  // the datagram path bumps, read here.
  const udp = master.udpStats;
  const flows = master.flows.counts;
  const udpListeners = (read: (index: number) => number) => (): Array<[Labels, number]> =>
    master.listenerInfo().filter((l) => l.protocol === 'udp').map((l) => [{ listener: String(l.index), address: hostPort(l.address, l.port, l.family) }, read(l.index)]);
  const perWorkerBoth = (inArr: () => Float64Array, outArr: () => Float64Array) => (): Array<[Labels, number]> =>
    master.workers().flatMap((w): Array<[Labels, number]> => [
      [{ worker: String(w.id), direction: 'in' }, inArr()[w.id] ?? 0],
      [{ worker: String(w.id), direction: 'out' }, outArr()[w.id] ?? 0],
    ]);
  total('portplex_udp_datagrams_received_total', 'Datagrams clients sent to a UDP listener (before any drop).', ['listener', 'address'], udpListeners((i) => udp.received[i] ?? 0));
  total('portplex_udp_datagrams_total', 'Datagrams relayed per worker: in = client to worker, out = worker to client from the cluster address.', ['worker', 'direction'],
    perWorkerBoth(() => udp.datagramsIn, () => udp.datagramsOut));
  total('portplex_udp_bytes_total', 'Payload bytes relayed per worker, by direction (in = to the worker).', ['worker', 'direction'],
    perWorkerBoth(() => udp.bytesIn, () => udp.bytesOut));
  total('portplex_udp_datagrams_dropped_total', 'Datagrams the master dropped, by reason.', ['reason'], () => UDP_DROP_REASONS.map((reason) => [{ reason }, udp.dropped[reason]]));
  total('portplex_udp_flows_created_total', 'UDP flows opened (first datagram of a client address and port).', ['listener', 'address'], udpListeners((i) => flows.created[i] ?? 0));
  total('portplex_udp_flows_expired_total', 'UDP flows forgotten after their idle timeout.', ['listener', 'address'], udpListeners((i) => flows.expired[i] ?? 0));
  total('portplex_udp_flows_evicted_total', 'UDP flows evicted, longest idle first, to stay within udpMaxFlows.', ['listener', 'address'], udpListeners((i) => flows.evicted[i] ?? 0));
  total('portplex_udp_flows_purged_total', 'UDP flows ended because their worker died or stopped serving; they reopen on their next datagram.', ['listener', 'address'],
    udpListeners((i) => flows.purged[i] ?? 0));
  gauge('portplex_udp_flows_active', 'UDP flows in the connection table.', ['listener', 'address'], udpListeners((i) => flows.active[i] ?? 0));

  names.push('portplex_handoff_duration_seconds');
  const handoff = new Histogram({
    name: 'portplex_handoff_duration_seconds',
    help: 'Seconds from accepting a connection to the worker\'s acknowledgement.',
    buckets: [...HANDOFF_BUCKETS],
    registers,
  });

  names.push('portplex_worker_exits_total');
  const exits = new Counter({
    name: 'portplex_worker_exits_total',
    help: 'Worker process exits seen since metrics started, by reason: clean (code 0), error (other code), signal.',
    labelNames: ['worker', 'reason'],
    registers,
    collect() {
      // Adding 0 makes every series exist from the first scrape, so rate() sees the first exit.
      for (const w of master.workers()) for (const reason of EXIT_REASONS) this.inc({ worker: String(w.id), reason }, 0);
    },
  });

  // The channels are process-wide: another master in this process publishes to them too. Only
  // this master's worker processes count. A pid is looked up in the master once, then remembered
  // either way, so the per-connection cost is a Set lookup; its exit forgets it (pids get reused).
  const ours = new Set<number>();
  const foreign = new Set<number>();
  const isOurs = (pid: number): boolean => {
    if (ours.has(pid)) return true;
    if (foreign.has(pid)) return false;
    const mine = master.workers().some((w) => w.pid === pid);
    if (mine) ours.add(pid);
    else {
      // Another master's processes: bounded in case their exits are never published.
      if (foreign.size >= 4096) foreign.clear();
      foreign.add(pid);
    }
    return mine;
  };
  const onHandedOver = (message: unknown): void => {
    const m = message as { pid: number; ms: number };
    if (isOurs(m.pid)) handoff.observe(m.ms / 1000);
  };
  const onExit = (message: unknown): void => {
    const m = message as { worker: number; pid: number; code: number | null; signal: string | null };
    // At exit the slot still holds the pid, which also catches a worker that died before it was
    // ever ready; a process seen acknowledging connections counts even if the slot moved on.
    const mine = ours.has(m.pid) || master.workers().some((w) => w.id === m.worker && w.pid === m.pid);
    ours.delete(m.pid);
    foreign.delete(m.pid);
    if (mine) exits.inc({ worker: String(m.worker), reason: exitReason(m.code, m.signal) });
  };
  diagnostics.subscribe(channels.handedOver.name, onHandedOver);
  diagnostics.subscribe(channels.workerExit.name, onExit);

  let closed = false;
  return {
    registry,
    close() {
      if (closed) return;
      closed = true;
      diagnostics.unsubscribe(channels.handedOver.name, onHandedOver);
      diagnostics.unsubscribe(channels.workerExit.name, onExit);
      // Frees the names, so metrics for a new master can be registered in the same registry.
      for (const name of names) registry.removeSingleMetric(name);
    },
  };
}

/** Bounded reason of a worker exit: a signal wins over the code (a killed process has none). */
export function exitReason(code: number | null, signal: string | null): ExitReason {
  if (signal) return 'signal';
  return code === 0 ? 'clean' : 'error';
}
