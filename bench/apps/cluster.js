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
  stopping = true;
  for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGKILL');
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
