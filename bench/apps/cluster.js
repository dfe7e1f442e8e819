// Node's cluster module serving bench/apps/hello.js (or BENCH_APP): the baselines. BENCH_POLICY is 'rr'
// (cluster.SCHED_RR: the primary accepts and passes handles round-robin) or 'none'
// (cluster.SCHED_NONE: workers share the listen socket and the kernel picks).
// Prints "ready" once every worker listens.
import cluster from 'node:cluster';
import { fileURLToPath } from 'node:url';

const workers = Number(process.env.BENCH_WORKERS ?? 2);
cluster.schedulingPolicy = process.env.BENCH_POLICY === 'none' ? cluster.SCHED_NONE : cluster.SCHED_RR;
cluster.setupPrimary({ exec: process.env.BENCH_APP ?? fileURLToPath(new URL('./hello.js', import.meta.url)) });

let listening = 0;
cluster.on('listening', () => {
  if (++listening === workers) console.log('ready');
});
cluster.on('exit', (worker, code, signal) => {
  if (stopping) return;
  // BENCH_REFORK=1: a dead worker is replaced, as an operator's cluster primary does.
  if (process.env.BENCH_REFORK === '1') {
    cluster.fork();
    return;
  }
  console.error(`worker ${worker.process.pid} exited (${code ?? signal})`);
  process.exit(1);
});
for (let i = 0; i < workers; i++) cluster.fork();

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  // BENCH_STOP=disconnect: a graceful stop as the cluster documentation has it: each worker closes
  // its servers (worker.disconnect()) and exits once its connections are done; the primary exits
  // with the last one, or kills what is left after BENCH_GRACE ms (status 5).
  if (process.env.BENCH_STOP === 'disconnect') {
    let alive = Object.values(cluster.workers ?? {}).filter((w) => w && !w.isDead()).length;
    cluster.on('exit', () => {
      if (--alive === 0) process.exit(0);
    });
    setTimeout(() => {
      for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGKILL');
      process.exit(5);
    }, Number(process.env.BENCH_GRACE ?? 10000)).unref();
    for (const w of Object.values(cluster.workers ?? {})) w?.disconnect();
    if (alive === 0) process.exit(0);
    return;
  }
  for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGKILL');
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
