// Node's handle messages, checked before Node acts on them in the master. Node's channel code
// trusts its peer: a NODE_HANDLE_ACK or NODE_HANDLE_NACK when no handle was sent fails an
// internal assertion, a NODE_HANDLE naming a type Node cannot convert throws a TypeError, both
// from the 'internalMessage' listener Node installs on the ChildProcess (on nextTick, outside any
// code of ours), which kills the process. A worker that writes such a line must kill at most
// itself. Node delivers its internal messages through the instance's own `emit`
// ('internalMessage', message, handle): that is the one place they can be seen first.

/** What Node's handleConversion can turn a received descriptor into (lib/internal/child_process.js). */
export const HANDLE_TYPES: ReadonlySet<string> = new Set(['net.Native', 'net.Server', 'net.Socket', 'dgram.Native', 'dgram.Socket']);

/** The ChildProcess fields read here: Node's queue of messages behind a handle in flight (an array only then). */
interface ChannelOwner {
  emit(event: string | symbol, ...args: unknown[]): boolean;
  _handleQueue?: unknown;
}

function isHandleMessage(message: unknown): boolean {
  const cmd = typeof message === 'object' && message !== null ? (message as { cmd?: unknown }).cmd : undefined;
  return cmd === 'NODE_HANDLE' || cmd === 'NODE_HANDLE_ACK' || cmd === 'NODE_HANDLE_NACK';
}

/** Why Node's own listener would choke on `message` (with `handle`) from `child`; undefined when it would not. */
export function handleMessageFault(child: object, message: unknown, handle: unknown): string | undefined {
  if (typeof message !== 'object' || message === null) return undefined;
  const cmd = (message as { cmd?: unknown }).cmd;
  if (cmd === 'NODE_HANDLE_ACK' || cmd === 'NODE_HANDLE_NACK') {
    return Array.isArray((child as ChannelOwner)._handleQueue) ? undefined : `a ${cmd} with no handle sent to it`;
  }
  if (cmd !== 'NODE_HANDLE') return undefined;
  if (!handle) return 'a NODE_HANDLE without a descriptor';
  const type = (message as { type?: unknown }).type;
  if (typeof type !== 'string' || !HANDLE_TYPES.has(type)) return `a NODE_HANDLE of unknown type ${JSON.stringify(type)?.slice(0, 40)}`;
  return undefined;
}

/**
 * Checks each internal message `child` receives before Node's listener sees it: `refuse` gets
 * the fault (and the descriptor, to close) of each that would throw, and Node never sees it.
 * Once `broken()` says the channel was given up, every handle message is refused: its
 * descriptor may already have been closed with the chunk it came in.
 */
export function guardInternalMessages(child: object, refuse: (why: string, handle: unknown) => void, broken: () => boolean): void {
  const owner = child as ChannelOwner;
  const emit = owner.emit;
  owner.emit = function (this: ChannelOwner, event: string | symbol, ...args: unknown[]): boolean {
    if (event === 'internalMessage') {
      const why = broken() && isHandleMessage(args[0]) ? 'a handle message after the channel broke' : handleMessageFault(this, args[0], args[1]);
      if (why !== undefined) {
        refuse(why, args[1]);
        return false;
      }
    }
    return emit.call(this, event, ...args);
  };
}
