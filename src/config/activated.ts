// Socket activation as configuration sees it: the sockets systemd passed (LISTEN_FDS), and which
// listener takes which. A listener takes a socket instead of binding when it names it
// (`systemd:NAME`, the socket's FileDescriptorName=) or has its address; the sockets no listener
// takes are served as listeners of the first group.
import { BlockList, isIP } from 'node:net';
import { invalid } from '../errors.js';
import type { ListenAddress } from './listen-address.js';

/** A socket systemd passed, as config validation matches it to listeners. */
export interface ActivatedSocket {
  readonly protocol: 'tcp' | 'udp';
  /** The address it is bound to: "0.0.0.0" or "::" for every address. */
  readonly address: string;
  readonly port: number;
  readonly family: 'IPv4' | 'IPv6';
  /** Its FileDescriptorName= (LISTEN_FDNAMES); undefined when systemd gave none. */
  readonly name: string | undefined;
  /** The descriptor systemd passed it as (3, 4, ...), for messages. */
  readonly fd: number;
}

/** A listener as written: an address, or `systemd:NAME`. */
export type ListenTarget = ListenAddress | { readonly systemd: string };

const PREFIX = /^systemd:/i;

/** FileDescriptorName= as systemd allows it: printable ASCII but ":", at most 255 characters. */
const FD_NAME = /^[\x20-\x39\x3b-\x7e]{1,255}$/;

/** The NAME of a `systemd:NAME` listen value, checked; undefined for any other value. */
export function systemdName(value: unknown, option: string): string | undefined {
  if (typeof value !== 'string' || !PREFIX.test(value.trim())) return undefined;
  const name = value.trim().replace(PREFIX, '');
  if (!FD_NAME.test(name)) throw invalid(option, value, 'systemd:NAME, NAME a FileDescriptorName= of the .socket unit (1-255 printable characters, no ":")');
  return name;
}

/** "fd 3 (web)", "fd 4" */
export function describeSocket(s: ActivatedSocket): string {
  return s.name === undefined ? `fd ${s.fd}` : `fd ${s.fd} (${s.name})`;
}

/** True for an address that stands for every address of its family. */
export function everyAddress(address: string): boolean {
  return address === '0.0.0.0' || (isIP(address) === 6 && sameAddress(address, '::'));
}

/** Two IP addresses are the same (IPv6 in any spelling: "::1" and "0:0:0:0:0:0:0:1"). */
function sameAddress(a: string, b: string): boolean {
  const family = isIP(a);
  if (family === 0 || family !== isIP(b)) return false;
  if (family === 4) return a === b;
  const list = new BlockList();
  list.addAddress(a, 'ipv6');
  return list.check(b, 'ipv6');
}

/**
 * Which sockets each target takes, by index, and the sockets no target took (in fd order). A
 * socket goes to one target at most: first to a target that names it (every socket of that
 * name), then to a target with its protocol, port and host, then to a target without a host
 * (every address) if the socket is bound to every address. A target on port 0 never takes one.
 */
export function matchActivated(targets: readonly ListenTarget[], sockets: readonly ActivatedSocket[]): { taken: number[][]; rest: number[] } {
  const owner = new Array<number>(sockets.length).fill(-1);
  const claim = (t: number, fits: (s: ActivatedSocket) => boolean): void => {
    sockets.forEach((s, i) => {
      if (owner[i] === -1 && fits(s)) owner[i] = t;
    });
  };
  targets.forEach((t, i) => { if ('systemd' in t) claim(i, (s) => s.name === t.systemd); });
  targets.forEach((t, i) => {
    if (!('systemd' in t) && t.host !== undefined && t.port !== 0) claim(i, (s) => s.protocol === t.protocol && s.port === t.port && sameAddress(t.host!, s.address));
  });
  targets.forEach((t, i) => {
    if (!('systemd' in t) && t.host === undefined && t.port !== 0) claim(i, (s) => s.protocol === t.protocol && s.port === t.port && everyAddress(s.address));
  });
  const taken = targets.map((): number[] => []);
  const rest: number[] = [];
  owner.forEach((t, i) => (t === -1 ? rest : taken[t]!).push(i));
  return { taken, rest };
}
