// Memory sizes as users write them: "512M", "1G", "800K", or a number of bytes. K, M and G are
// 1024-based (as PM2's max_memory_restart and Node's --max-old-space-size think of memory).
import { invalid } from '../errors.js';

const UNITS: Readonly<Record<string, number>> = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 };
/** A limit under this is surely a missing unit ("512" meant as megabytes): no Node process fits in it. */
const MIN_LIMIT = 1024 ** 2;

/** Bytes of `value` (0 = no limit, also for undefined); throws naming `option` and the value. */
export function parseSize(value: unknown, option: string): number {
  if (value === undefined || value === 0 || value === '0') return 0;
  const expected = 'a size such as 512M or 1G (K, M, G are 1024-based), a number of bytes, or 0 for no limit';
  let bytes: number;
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < 0) throw invalid(option, value, expected);
    bytes = value;
  } else if (typeof value === 'string') {
    // Bounded: a long string is not worth a regular expression's time.
    const m = value.length <= 32 ? /^\s*(\d+(?:\.\d+)?)\s*([KMGT]?)(?:i?B)?\s*$/i.exec(value) : null;
    if (m === null) throw invalid(option, value, expected);
    bytes = Math.round(Number(m[1]) * UNITS[m[2]!.toUpperCase()]!);
  } else {
    throw invalid(option, value, expected);
  }
  if (bytes > 0 && bytes < MIN_LIMIT) throw invalid(option, value, `at least 1M (a bare number is bytes: did you mean ${JSON.stringify(`${String(value).trim()}M`)}?)`);
  if (!Number.isSafeInteger(bytes)) throw invalid(option, value, expected);
  return bytes;
}

/** `bytes` for people: 1.5G, 512M, 800K. */
export function formatSize(bytes: number): string {
  for (const [unit, n] of [['G', 1024 ** 3], ['M', 1024 ** 2], ['K', 1024]] as const) {
    if (bytes >= n) return `${Math.round((bytes / n) * 10) / 10}${unit}`;
  }
  return `${bytes}B`;
}
