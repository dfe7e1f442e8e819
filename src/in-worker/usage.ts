// What a worker reports about its own resources with each heartbeat answer: memory now, and the
// CPU it used since the previous answer. Measured here rather than by the master reading /proc:
// the V8 heap is only known inside the process, it works on every platform, and the master's
// loop (which accepts connections) does no file I/O per worker per interval.
//
// process.memoryUsage() reads the resident set size from /proc/self/statm
// (uv_resident_set_memory), which opens a file: with every descriptor taken it throws EMFILE.
// The sample then goes without its rss (-1, "did not say"), the heap read from V8 instead, and
// the failure goes to `failed` (counted, told to the master); the heartbeat is answered anyway.
import v8 from 'node:v8';

export interface Usage {
  /** Resident set size, bytes; -1 when it could not be read. */
  rss: number;
  /** V8 heap used, bytes. */
  heapUsed: number;
  /** CPU seconds (user + system) per wall-clock second since the previous sample. */
  cpu: number;
}

export class UsageMeter {
  private lastCpu = process.cpuUsage();
  private lastAt = process.hrtime.bigint();

  /** `failed` hears of a figure that could not be read (the sample goes without it). */
  constructor(private readonly failed: (err: unknown) => void = () => {}) {}

  sample(): Usage {
    const now = process.hrtime.bigint();
    const cpu = process.cpuUsage(this.lastCpu);
    const elapsedUs = Number(now - this.lastAt) / 1000;
    this.lastCpu = process.cpuUsage();
    this.lastAt = now;
    let rss = -1;
    let heapUsed: number;
    try {
      const mem = process.memoryUsage();
      rss = mem.rss;
      heapUsed = mem.heapUsed;
    } catch (err) {
      this.failed(err);
      // No file to open: the heap figure as memoryUsage() would have given it.
      heapUsed = v8.getHeapStatistics().used_heap_size;
    }
    return {
      rss,
      heapUsed,
      cpu: elapsedUs > 0 ? Math.round(((cpu.user + cpu.system) / elapsedUs) * 1000) / 1000 : 0,
    };
  }
}
