// How an address is written for people and labels: "127.0.0.1:8080", "[::1]:8080", a Unix
// socket's path, "-" for a client whose address is not known (a Unix socket's client).

/** A listener's address as configured or bound: "*:8080" for every address (no host), else as hostPort. */
export function listenAddress(host: string | undefined, port: number): string {
  return host === undefined ? `*:${port}` : hostPort(host, port);
}

/** `address` and `port` as one string; family 'unix' is a path, written alone. */
export function hostPort(address: string, port: number, family?: string): string {
  if (family === 'unix') return address;
  if (address === '') return '-';
  return family === 'IPv6' || address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}
