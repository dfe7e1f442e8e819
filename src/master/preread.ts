// Content-aware hand-over, between accept and pick: read the first bytes of a connection
// (bounded in bytes and time), strip a PROXY header, route by rules and sticky key; the
// connection then goes on with those bytes, so the application sees every one of them.
import type { Config, ContentConfig } from '../config/types.js';
import { makeDecider, type Decider, type Decision } from '../content/decide.js';
import { peek, type PeekResult } from '../content/peek.js';
import { makeRouter, type Router } from '../content/router.js';
import { writeNow } from '../internals/tcp-handle.js';
import type { ConnectionTable } from '../table/connection-table.js';
import type { Handoff } from '../workers/handoff.js';
import type { Pools } from '../workers/pools.js';
import { Reading } from './reading.js';
import type { DropReason, MasterStats } from './stats.js';

/** What became of a preread: routed and ready to dispatch, or to be closed for `reason`. */
export type PrereadOutcome = { readonly dispatch: true } | { readonly dispatch: false; readonly reason: DropReason };

const DISPATCH: PrereadOutcome = { dispatch: true };
/** The answer to an HTTP head that did not arrive within the preread timeout. */
const REQUEST_TIMEOUT = Buffer.from('HTTP/1.1 408 Request Timeout\r\nContent-Length: 0\r\nConnection: close\r\n\r\n', 'latin1');
const drop = (reason: DropReason): PrereadOutcome => ({ dispatch: false, reason });

export class Preread {
  /** Per listener: its content decide step and its rules, when it has content. */
  private readonly deciders: Array<Decider | undefined>;
  private readonly routers: Router[];
  /** The connections being read, oldest first, and the cap (--max-prereading). */
  private readonly reading = new Reading();

  constructor(
    private readonly config: Config,
    private readonly pools: Pools,
    private readonly table: ConnectionTable,
    private readonly stats: MasterStats,
  ) {
    this.deciders = config.listeners.map((l) => (l.content ? makeDecider(l.content) : undefined));
    this.routers = config.listeners.map(makeRouter);
  }

  /**
   * Reads `h`'s first bytes, then routes it; `done` says whether to dispatch it. At the cap, the
   * oldest read is shed first: it has been slowest to send its head.
   */
  read(h: Handoff, content: ContentConfig, done: (outcome: PrereadOutcome) => void): void {
    const reading = this.reading;
    // Each shed ends a read (and closes its connection) before this one begins.
    while (reading.full && reading.shedOldest());
    let ended = false;
    const cancel = peek(h.handle, { maxBytes: content.maxBytes, timeoutMs: content.timeout }, this.deciders[h.listener]!, (r) => {
      ended = true;
      reading.remove(h.id);
      done(this.judge(h, content, r));
    });
    // A handle that could not be read ends at once, before there is anything to track.
    if (!ended) reading.add(h.id, cancel);
  }

  /** Descriptors run short: sheds the oldest connection being read; false when none is. */
  shedOldest(): boolean {
    return this.reading.shedOldest();
  }

  /** Connections read at once, at most (set at start, from the descriptor budget). */
  setLimit(n: number): void {
    this.reading.setLimit(n);
  }

  /** Connections being read now. */
  get readingCount(): number {
    return this.reading.size;
  }

  /**
   * Direct mode's rare hand-over: a worker read these bytes itself and handed the connection
   * back; it is judged as if the master had read them.
   */
  judgeForwarded(h: Handoff, content: ContentConfig, bytes: Buffer, eof: boolean): PrereadOutcome {
    const decision = this.deciders[h.listener]!(bytes, 'incomplete');
    return this.judge(h, content, { end: eof ? 'eof' : 'decided', bytes, decision });
  }

  /** What was read decides: drop, strip the PROXY header, route; the bytes go with the hand-over. */
  private judge(h: Handoff, content: ContentConfig, r: PeekResult<Decision>): PrereadOutcome {
    if (r.end === 'closed') return drop('client_closed');
    // Still being read when newer connections needed the room (the cap, or descriptors).
    if (r.end === 'cancelled') return drop('preread_shed');
    if (r.end === 'timeout') {
      // Too slow to say anything decidable in time (slowloris): cut, counted. An HTTP client
      // that began a head is told why first, as HAProxy does; one that sent nothing is just closed.
      if (this.beganHead(h, content, r.bytes)) writeNow(h.handle, REQUEST_TIMEOUT);
      return drop('preread_timeout');
    }
    // Full or ended before a decision: judge what there is, as final.
    const d: Decision = r.decision ?? this.deciders[h.listener]!(r.bytes, r.end === 'too-large' ? 'too-large' : 'incomplete')!;
    let bytes = r.bytes;
    if (content.proxy !== undefined) {
      if (d.verdict === 'proxy-invalid') return drop('proxy_invalid');
      bytes = bytes.subarray(d.strip);
      const src = d.proxy?.command === 'proxy' ? d.proxy.source : undefined;
      const family = d.proxy?.family === 'tcp4' ? 'IPv4' : d.proxy?.family === 'tcp6' ? 'IPv6' : undefined;
      if (src && family) {
        this.table.setClient(h.id, src.address, src.port);
        h.proxiedFrom(src.address, src.port, family);
      }
    }
    if (d.verdict === 'invalid') {
      this.stats.invalidContent(h.listener, d.reason ?? 'invalid');
      if (content.onInvalid === 'close') return drop('content_invalid');
    } else {
      this.route(h, d);
    }
    this.pools.all[h.pool]!.countRouted();
    h.readAhead(bytes, r.end === 'eof');
    return DISPATCH;
  }

  /** True when `bytes` hold the start of an HTTP head (after the PROXY header, if one is expected). */
  private beganHead(h: Handoff, content: ContentConfig, bytes: Buffer): boolean {
    if (content.protocol !== 'http' || bytes.length === 0) return false;
    if (content.proxy === undefined) return true;
    const d = this.deciders[h.listener]!(bytes, 'incomplete')!;
    return d.verdict !== 'proxy-invalid' && bytes.length > d.strip;
  }

  /** First matching rule picks the group; the sticky key, when present, picks within it. */
  private route(h: Handoff, d: Decision): void {
    const router = this.routers[h.listener]!;
    const rule = router.match(d);
    h.route(rule >= 0 ? this.pools.byListener[h.listener]![router.groupOf[rule]!]!.index : h.pool, router.key(d));
  }
}
