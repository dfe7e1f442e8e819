// Turns parser results into the preread decision: undefined = read more, else a verdict.
import { parseHttpHead } from './http-head.js';

/** What the preread concluded about the first bytes. */
export type Verdict = 'http' | 'invalid';

/** HTTP: decided once the request head is complete, or as soon as the bytes cannot be HTTP. */
export function decideHttp(bytes: Buffer): Verdict | undefined {
  const r = parseHttpHead(bytes);
  if (r.status === 'need-more') return undefined;
  return r.status === 'parsed' ? 'http' : 'invalid';
}
