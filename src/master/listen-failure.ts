// The app's listen() that the master could not bind for it, in words for the operator's log: the
// call as the app made it, the system error, and what it means for that address.
import { listenAddress } from '../address.js';

/**
 * "the app's listen(3000) failed: EADDRINUSE *:3000 is in use by another process". `heldBy`: the
 * group whose workers serve that address already (one address belongs to one group).
 */
export function listenFailure(host: string | null, port: number, path: string | undefined, code: string, heldBy?: string): string {
  const call = path !== undefined ? JSON.stringify(path) : host === null ? String(port) : `${port}, ${JSON.stringify(host)}`;
  const address = path ?? listenAddress(host ?? undefined, port);
  return `the app's listen(${call}) failed: ${code} ${meaning(code, address, heldBy)}`;
}

function meaning(code: string, address: string, heldBy: string | undefined): string {
  switch (code) {
    case 'EADDRINUSE':
      return heldBy === undefined ? `${address} is in use by another process` : `${address} is served to group ${heldBy} already`;
    case 'EACCES':
      return `binding ${address} is not permitted to this user`;
    case 'EADDRNOTAVAIL':
      return `${address} is not an address of this machine`;
    case 'EMFILE':
      return `too many open files or addresses to bind ${address}`;
    default:
      return `binding ${address} failed`;
  }
}
