// The libuv pipe under a process's IPC channel: Node keeps it under a private symbol
// (kChannelHandle) on a ChildProcess, and on `process` in a forked child.

/** The channel's libuv pipe as JavaScript sees it (a Pipe wrap opened in IPC mode). */
export interface RawPipe {
  onread: (this: RawPipe, arrayBuffer: ArrayBuffer | undefined) => void;
  /** Set by Node's C++ side just before onread when the read brought a descriptor. */
  pendingHandle: unknown;
  writeBuffer(req: object, data: Uint8Array, handle?: unknown): number;
}

/** What a PORTPLEX_UNSUPPORTED_NODE error names when a channel has no such pipe. */
export const CHANNEL_PIPE = "IPC channel pipe (Symbol(kChannelHandle) with onread and writeBuffer)";

/** The raw pipe of `target`'s IPC channel (a ChildProcess, or process in a child); undefined when it has none. */
export function channelPipe(target: object): RawPipe | undefined {
  const key = Object.getOwnPropertySymbols(target).find((s) => s.description === 'kChannelHandle');
  const pipe = key === undefined ? undefined : (target as Record<symbol, unknown>)[key] as RawPipe | null | undefined;
  if (!pipe || typeof pipe.onread !== 'function' || typeof pipe.writeBuffer !== 'function') return undefined;
  return pipe;
}
