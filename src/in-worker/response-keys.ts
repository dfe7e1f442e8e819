// Session keys that an application hands out in its response head: a Set-Cookie of the sticky
// cookie (express-session's connect.sid, and the like), or a header of the sticky header's name.
// They are read as the head is written (writeHead, which Node also calls for a head written
// implicitly), so the report leaves before the head does.
import type http from 'node:http';
import type net from 'node:net';
import type { StickyConfig } from '../config/types.js';
import { cookieText, trimOws } from '../content/http-head.js';
import { caught } from './faults.js';

type WriteHead = (this: http.ServerResponse, ...args: unknown[]) => unknown;

/** Reports, for each response of `server`, the keys of `sticky` it sets. */
export function watchResponseKeys(server: net.Server, sticky: StickyConfig, report: (key: string) => void): void {
  const name = sticky.from === 'cookie' ? 'set-cookie' : sticky.name;
  const found = sticky.from === 'cookie'
    ? (v: string) => { const key = cookieValue(v, sticky.name); if (key !== undefined) report(key); }
    : (v: string) => { if (v.length > 0) report(v); };
  // One function per server, set on each response: wrappers that others install later
  // (express-session's on-headers) call it in turn.
  function writeHead(this: http.ServerResponse, ...args: unknown[]): unknown {
    // Ours, inside the application's response: a fault loses the report, never the response.
    try {
      each(this.getHeader(name), found);
      const last = args.length > 1 ? args[args.length - 1] : undefined;
      if (Array.isArray(last)) {
        // Raw headers: name, value, name, value...
        for (let i = 0; i + 1 < last.length; i += 2) if (String(last[i]).toLowerCase() === name) each(last[i + 1], found);
      } else if (last !== null && typeof last === 'object') {
        for (const [k, v] of Object.entries(last)) if (k.toLowerCase() === name) each(v, found);
      }
    } catch (err) {
      caught('session-report', err);
    }
    return (Object.getPrototypeOf(this) as { writeHead: WriteHead }).writeHead.apply(this, args);
  }
  server.prependListener('request', (_req: unknown, res: http.ServerResponse) => {
    res.writeHead = writeHead as http.ServerResponse['writeHead'];
  });
}

function each(v: unknown, f: (s: string) => void): void {
  if (v === undefined || v === null) return;
  if (Array.isArray(v)) for (const x of v) f(String(x));
  else f(String(v));
}

/** The value `name` gets in one Set-Cookie line, as the client will send it back; undefined if another cookie, or cleared. */
export function cookieValue(setCookie: string, name: string): string | undefined {
  const eq = setCookie.indexOf('=');
  if (eq < 0 || trimOws(setCookie.slice(0, eq)) !== name) return undefined;
  let end = setCookie.indexOf(';', eq);
  if (end < 0) end = setCookie.length;
  const value = cookieText(setCookie.slice(eq + 1, end));
  return value === '' ? undefined : value;
}
