// A UDP socket's address from the kernel's socket tables (/proc/self/net/udp and udp6), found by
// the socket's inode. Node can open a UDP descriptor (dgram's bind({ fd })), but only as a socket
// of the family chosen beforehand (udp4 or udp6, which decides how replies are addressed), and it
// has no public way to ask a descriptor's family without opening it: the kernel's tables say it.
import { readFileSync } from 'node:fs';
import { endianness } from 'node:os';

/** A socket's local end as the table lists it; `connected`: it has a remote address. */
export interface ProcSocket {
  readonly family: 'IPv4' | 'IPv6';
  readonly address: string;
  readonly port: number;
  readonly connected: boolean;
}

/** Reads a table; an absent one (no IPv6 in this kernel) reads as empty. */
export type TableReader = (path: string) => string;

const readTable: TableReader = (path) => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
};

/** The UDP socket with inode `inode`, or undefined when neither table lists it. */
export function udpSocket(inode: number, read: TableReader = readTable, littleEndian = endianness() === 'LE'): ProcSocket | undefined {
  for (const [path, family] of [['/proc/self/net/udp6', 'IPv6'], ['/proc/self/net/udp', 'IPv4']] as const) {
    const found = findInode(read(path), inode, family, littleEndian);
    if (found) return found;
  }
  return undefined;
}

/**
 * The line of `table` whose inode column (the tenth) is `inode`. Each line is
 * "sl: local_address rem_address st ... uid timeout inode ...", addresses as HEXADDR:HEXPORT with
 * the address in 32-bit words printed in the host's byte order.
 */
export function findInode(table: string, inode: number, family: 'IPv4' | 'IPv6', littleEndian: boolean): ProcSocket | undefined {
  const want = String(inode);
  for (const line of table.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f[9] !== want) continue;
    const local = parseEndpoint(f[1] ?? '', family, littleEndian);
    const remote = parseEndpoint(f[2] ?? '', family, littleEndian);
    if (!local || !remote) return undefined;
    return { family, address: local.address, port: local.port, connected: remote.port !== 0 };
  }
  return undefined;
}

function parseEndpoint(text: string, family: 'IPv4' | 'IPv6', littleEndian: boolean): { address: string; port: number } | undefined {
  const m = (family === 'IPv4' ? /^([0-9A-F]{8}):([0-9A-F]{4})$/i : /^([0-9A-F]{32}):([0-9A-F]{4})$/i).exec(text);
  if (!m) return undefined;
  const bytes = Buffer.alloc(m[1]!.length / 2);
  for (let w = 0; w < bytes.length / 4; w++) {
    const word = parseInt(m[1]!.slice(w * 8, w * 8 + 8), 16);
    if (littleEndian) bytes.writeUInt32LE(word, w * 4);
    else bytes.writeUInt32BE(word, w * 4);
  }
  return { address: family === 'IPv4' ? bytes.join('.') : ipv6Text(bytes), port: parseInt(m[2]!, 16) };
}

/** RFC 5952 text of 16 address bytes: lower case, the longest run of two or more zero groups as "::". */
function ipv6Text(bytes: Buffer): string {
  const groups = Array.from({ length: 8 }, (_, i) => bytes.readUInt16BE(i * 2));
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; i++) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j > i ? j - 1 : i;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}
