// Every Node internal portplex relies on, checked at start: a Node release that lacks one is
// refused before anything binds, naming the internal and the version, rather than failing at
// the first connection. test/unit/node-internals.test.ts pins how each behaves.
import { CLUSTER_ROLE, probeClusterRole } from './cluster-role.js';
import { probeStreamWrap, STREAM_WRAP } from './stream-wrap.js';
import { CREATE_SERVER_HANDLE, probeCreateServerHandle, probeTcpRead, TCP_READ } from './tcp-handle.js';
import { LISTEN2, PEERNAME, probeListen2, probePeerName } from './net-server.js';
import { unsupported } from './unsupported.js';

/**
 * The internals that can be seen without a socket or a child process. Two more are checked
 * where they first appear: the IPC channel's pipe at each fork (CHANNEL_PIPE), and a listening
 * server's _handle.onconnection at each bind (SERVER_HANDLE).
 */
export const INTERNALS: ReadonlyArray<{ readonly name: string; readonly present: () => boolean }> = [
  { name: STREAM_WRAP, present: () => probeStreamWrap() !== undefined },
  { name: TCP_READ, present: probeTcpRead },
  { name: CREATE_SERVER_HANDLE, present: probeCreateServerHandle },
  { name: LISTEN2, present: probeListen2 },
  { name: PEERNAME, present: probePeerName },
  { name: CLUSTER_ROLE, present: probeClusterRole },
];

/** Names of the internals this Node lacks. */
export function missingInternals(): string[] {
  return INTERNALS.filter((i) => !i.present()).map((i) => i.name);
}

/** Throws PORTPLEX_UNSUPPORTED_NODE naming the first missing internal and the Node version. */
export function assertSupportedNode(): void {
  const missing = missingInternals();
  if (missing.length > 0) throw unsupported(missing.join('; '));
}
