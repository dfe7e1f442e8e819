// How portplex's output lines look: text for people, or one JSON object per line for log shippers.

export type LogFormat = 'text' | 'json';

/** One message of the master itself. */
export function masterLine(format: LogFormat, level: 'info' | 'warn' | 'error', msg: string, now: Date = new Date()): string {
  if (format === 'text') return `portplex: ${msg}\n`;
  return `${JSON.stringify({ time: now.toISOString(), level, source: 'portplex', pid: process.pid, msg })}\n`;
}

/** Who wrote a worker's line. */
export interface LineSource {
  readonly worker: number;
  readonly group: string;
  readonly pid: number;
  readonly stream: 'stdout' | 'stderr';
  /** The text prefix, e.g. "[2] " (or "[api:2] " with several groups). */
  readonly prefix: Buffer;
}

/** A worker's line as one JSON object (with its newline). */
export function workerJson(from: LineSource, line: string, cut: boolean, now: Date = new Date()): string {
  const o: Record<string, unknown> = { time: now.toISOString(), worker: from.worker, group: from.group, pid: from.pid, stream: from.stream, msg: line };
  if (cut) o.cut = true;
  return `${JSON.stringify(o)}\n`;
}

/** The text prefix of a worker's lines. */
export function prefixOf(worker: number, group: string, severalGroups: boolean): Buffer {
  return Buffer.from(severalGroups ? `[${group}:${worker}] ` : `[${worker}] `);
}
