// Turns parser results into the preread decision: undefined = read more, else a verdict.
import type { ContentConfig } from '../config/types.js';
import { type HttpHead, parseHttpHead } from './http-head.js';
import { parseClientHello } from './tls-client-hello.js';
import { parseProxyHeader, type ProxyHeader } from './proxy-protocol.js';

/** What the preread concluded about the first bytes. */
export type Verdict = 'http' | 'tls' | 'invalid' | 'proxy-only' | 'proxy-invalid';

/** A decision; `strip` bytes (the PROXY header) are removed before the application sees the stream. */
export interface Decision {
  readonly verdict: Verdict;
  readonly proxy: ProxyHeader | undefined;
  readonly strip: number;
  /** TLS: the server name and ALPN protocols the client asked for. */
  readonly sni?: string;
  readonly alpn?: readonly string[];
  /** HTTP: the parsed request head. */
  readonly head?: HttpHead;
  /** invalid: the parser's reason, fit for a metric label. */
  readonly reason?: string;
}

/**
 * Why no more bytes will come: the preread limit was reached, or the client ended its stream.
 * Given to a decider, it turns "need more" into a final verdict.
 */
export type FinalReason = 'too-large' | 'incomplete';

/** Undefined: read more. With `final`, always a decision. */
export type Decider = (bytes: Buffer, final?: FinalReason) => Decision | undefined;

/** Builds the decide step of one listener's content configuration. */
export function makeDecider(content: ContentConfig): Decider {
  const accept = { v1: content.proxy !== 'v2', v2: content.proxy !== 'v1' };
  // The head itself must fit the preread limit, even when it arrived in one larger read.
  const limits = { maxBytes: content.maxBytes };
  return (bytes, final) => {
    let proxy: ProxyHeader | undefined;
    let strip = 0;
    if (content.proxy !== undefined) {
      // Configured, never guessed: a connection without a valid header is not served.
      const p = parseProxyHeader(bytes, accept);
      if (p.status === 'need-more') return final ? { verdict: 'proxy-invalid', proxy: undefined, strip: 0, reason: final } : undefined;
      if (p.status === 'invalid') return { verdict: 'proxy-invalid', proxy: undefined, strip: 0, reason: p.reason };
      proxy = p.value;
      strip = p.consumed;
    }
    if (content.protocol === undefined) return { verdict: 'proxy-only', proxy, strip };
    const rest = strip > 0 ? bytes.subarray(strip) : bytes;
    if (content.protocol === 'tls') {
      const t = parseClientHello(rest, limits);
      if (t.status === 'need-more') return final ? { verdict: 'invalid', proxy, strip, reason: final } : undefined;
      return t.status === 'parsed' ? { verdict: 'tls', proxy, strip, sni: t.value.sni, alpn: t.value.alpn } : { verdict: 'invalid', proxy, strip, reason: t.reason };
    }
    const r = parseHttpHead(rest, limits);
    if (r.status === 'need-more') return final ? { verdict: 'invalid', proxy, strip, reason: final } : undefined;
    return r.status === 'parsed' ? { verdict: 'http', proxy, strip, head: r.value } : { verdict: 'invalid', proxy, strip, reason: r.reason };
  };
}
