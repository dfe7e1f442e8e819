// Turns parser results into the preread decision: undefined = read more, else a verdict.
import type { ContentConfig } from '../config/types.js';
import { parseHttpHead } from './http-head.js';
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
}

/** Builds the decide step of one listener's content configuration. */
export function makeDecider(content: ContentConfig): (bytes: Buffer) => Decision | undefined {
  const accept = { v1: content.proxy !== 'v2', v2: content.proxy !== 'v1' };
  return (bytes) => {
    let proxy: ProxyHeader | undefined;
    let strip = 0;
    if (content.proxy !== undefined) {
      // Configured, never guessed: a connection without a valid header is not served.
      const p = parseProxyHeader(bytes, accept);
      if (p.status === 'need-more') return undefined;
      if (p.status === 'invalid') return { verdict: 'proxy-invalid', proxy: undefined, strip: 0 };
      proxy = p.value;
      strip = p.consumed;
    }
    if (content.protocol === undefined) return { verdict: 'proxy-only', proxy, strip };
    const rest = strip > 0 ? bytes.subarray(strip) : bytes;
    if (content.protocol === 'tls') {
      const t = parseClientHello(rest);
      if (t.status === 'need-more') return undefined;
      return t.status === 'parsed' ? { verdict: 'tls', proxy, strip, sni: t.value.sni, alpn: t.value.alpn } : { verdict: 'invalid', proxy, strip };
    }
    const r = parseHttpHead(rest);
    if (r.status === 'need-more') return undefined;
    return { verdict: r.status === 'parsed' ? 'http' : 'invalid', proxy, strip };
  };
}
