// Direct mode with routing rules, in the worker that accepted: read the first bytes (bounded, as
// the master would), and keep the connection when its rules lead to this worker's group; else
// hand it back through the master with the bytes read (the patent's rare hand-over).
import type { ContentConfig, ListenerConfig } from '../config/types.js';
import { makeDecider, type Decider, type Decision } from '../content/decide.js';
import { peek, type PeekResult } from '../content/peek.js';
import { makeRouter, type Router } from '../content/router.js';
import type { RawHandle } from '../internals/tcp-handle.js';

/** What became of a connection's first bytes. */
export type RareOutcome =
  | { readonly keep: true; readonly bytes: Buffer; readonly eof: boolean }
  | { readonly keep: false; readonly forward: true; readonly bytes: Buffer; readonly eof: boolean }
  | { readonly keep: false; readonly forward: false; readonly reason: 'client_closed' | 'preread_timeout' };

/** One direct listener's decide-and-route step, compiled once per worker. */
export class RareHandoff {
  private readonly decide: Decider;
  private readonly router: Router;
  private readonly limits: { maxBytes: number; timeoutMs: number };

  constructor(
    private readonly content: ContentConfig,
    private readonly groups: readonly string[],
    private readonly ownGroup: string,
  ) {
    this.decide = makeDecider(content);
    // The router needs only the listener's groups and content.
    this.router = makeRouter({ groups, content } as unknown as ListenerConfig);
    this.limits = { maxBytes: content.maxBytes, timeoutMs: content.timeout };
  }

  /** Reads `handle`'s first bytes and says whether this worker keeps it; calls `done` once. */
  inspect(handle: RawHandle, done: (outcome: RareOutcome) => void): void {
    peek(handle, this.limits, this.decide, (r) => done(this.judge(r)));
  }

  private judge(r: PeekResult<Decision>): RareOutcome {
    if (r.end === 'closed') return { keep: false, forward: false, reason: 'client_closed' };
    if (r.end === 'timeout') return { keep: false, forward: false, reason: 'preread_timeout' };
    const eof = r.end === 'eof';
    const d = r.decision ?? this.decide(r.bytes, r.end === 'too-large' ? 'too-large' : 'incomplete')!;
    if (d.verdict === 'invalid') {
      // The default group is ours: serve it; closing it is the master's to count, by reason.
      return this.content.onInvalid === 'default' ? { keep: true, bytes: r.bytes, eof } : { keep: false, forward: true, bytes: r.bytes, eof };
    }
    const rule = this.router.match(d);
    const group = this.groups[rule < 0 ? 0 : this.router.groupOf[rule]];
    return group === this.ownGroup ? { keep: true, bytes: r.bytes, eof } : { keep: false, forward: true, bytes: r.bytes, eof };
  }
}
