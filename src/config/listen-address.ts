// Parses one `--listen` value: [proto:]port, [proto:]host:port, [proto:][v6]:port (proto tcp or udp).
import { isIP } from 'node:net';
import { CODES, invalid } from '../errors.js';

/** Transport of a listener: TCP connections are handed over, UDP datagrams are relayed per flow. */
export type ListenProtocol = 'tcp' | 'udp';

export interface ListenAddress {
  readonly protocol: ListenProtocol;
  /** undefined = every address, as Node's listen(port) binds. */
  readonly host: string | undefined;
  readonly port: number;
}

const HOSTNAME = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;

/** Parses and checks one listen address; `option` names the input in errors. */
export function parseListen(value: unknown, option: string): ListenAddress {
  if (typeof value === 'number') return { protocol: 'tcp', host: undefined, port: checkPort(value, option, value) };
  if (typeof value !== 'string' || value.trim() === '') {
    throw invalid(option, value, 'a port or "host:port" (e.g. 8080, 127.0.0.1:8080, [::1]:8080)', CODES.INVALID_LISTEN);
  }
  let rest = value.trim();
  let protocol: ListenProtocol = 'tcp';
  // Only "tcp:" and "udp:" are protocol prefixes; "localhost:8080" is a host.
  const proto = /^(tcp|udp):/i.exec(rest);
  if (proto) {
    protocol = proto[1].toLowerCase() as ListenProtocol;
    rest = rest.slice(proto[0].length);
  }
  let host: string | undefined;
  let portText: string;
  if (rest.startsWith('[')) {
    const end = rest.indexOf(']');
    if (end < 0 || rest[end + 1] !== ':') throw invalid(option, value, '"[ipv6]:port"', CODES.INVALID_LISTEN);
    host = rest.slice(1, end);
    portText = rest.slice(end + 2);
    if (isIP(host) !== 6) throw invalid(option, value, 'an IPv6 address inside [ ]', CODES.INVALID_LISTEN);
  } else {
    const colon = rest.lastIndexOf(':');
    if (colon < 0) {
      portText = rest;
    } else {
      host = rest.slice(0, colon) || undefined;
      portText = rest.slice(colon + 1);
      if (host !== undefined && host.includes(':')) {
        throw invalid(option, value, 'IPv6 addresses in brackets, e.g. [::1]:8080', CODES.INVALID_LISTEN);
      }
      if (host !== undefined && isIP(host) === 0 && !HOSTNAME.test(host)) {
        throw invalid(option, value, 'a valid IP address or host name before the port', CODES.INVALID_LISTEN);
      }
    }
  }
  if (!/^\d{1,5}$/.test(portText)) throw invalid(option, value, 'a port number 0-65535', CODES.INVALID_PORT);
  return { protocol, host, port: checkPort(Number(portText), option, value) };
}

function checkPort(port: number, option: string, value: unknown): number {
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw invalid(option, value, 'a port number 0-65535', CODES.INVALID_PORT);
  return port;
}

/** A key that is equal for two listeners that would bind the same address. */
export function listenKey(a: ListenAddress): string {
  return `${a.protocol}|${a.host ?? '*'}|${a.port}`;
}
