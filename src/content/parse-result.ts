// The one result shape of every content parser: strict, bounded, never throwing.

/** More bytes are needed to decide; `need` is how many at least, when known. */
export interface NeedMore { readonly status: 'need-more'; readonly need?: number }
/** Parsed: `consumed` bytes form the parsed header (the rest is payload). */
export interface Parsed<T> { readonly status: 'parsed'; readonly value: T; readonly consumed: number }
/** Not this protocol, or malformed: `reason` is short and fit for a metric label. */
export interface Invalid { readonly status: 'invalid'; readonly reason: string }

export type ParseResult<T> = NeedMore | Parsed<T> | Invalid;

export const NEED_MORE: NeedMore = Object.freeze({ status: 'need-more' });

export function invalid(reason: string): Invalid {
  return { status: 'invalid', reason };
}
