// What a worker reports about its own resources with each heartbeat answer: memory now, and the
// CPU it used since the previous answer. Measured here rather than by the master reading /proc:
// the V8 heap is only known inside the process, it works on every platform, and the master's
// loop (which accepts connections) does no file I/O per worker per interval.

export interface Usage {
  /** Resident set size, bytes. */
  rss: number;
  /** V8 heap used, bytes. */
  heapUsed: number;
  /** CPU seconds (user + system) per wall-clock second since the previous sample. */
  cpu: number;
}

export class UsageMeter {
  private lastCpu = process.cpuUsage();
  private lastAt = process.hrtime.bigint();

  sample(): Usage {
    const now = process.hrtime.bigint();
    const cpu = process.cpuUsage(this.lastCpu);
    const elapsedUs = Number(now - this.lastAt) / 1000;
    this.lastCpu = process.cpuUsage();
    this.lastAt = now;
    const mem = process.memoryUsage();
    return {
      rss: mem.rss,
      heapUsed: mem.heapUsed,
      cpu: elapsedUs > 0 ? Math.round(((cpu.user + cpu.system) / elapsedUs) * 1000) / 1000 : 0,
    };
  }
}
