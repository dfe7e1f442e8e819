// Debian's systemd-socket-activate passes listening sockets to a command exactly as systemd does
// (LISTEN_FDS, LISTEN_FDNAMES, and LISTEN_PID, since it execs the command). Without --accept it
// starts the command at the first connection (or datagram) on a socket, as a .socket unit does.
import { spawn, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { ROOT, waitFor } from './cluster.js';

export const SOCKET_ACTIVATE = ['/usr/bin/systemd-socket-activate', '/bin/systemd-socket-activate'].find((p) => existsSync(p)) ?? 'systemd-socket-activate';

export interface Activated {
  readonly child: ChildProcess;
  readonly output: () => string;
  readonly exited: Promise<{ code: number | null; signal: string | null }>;
}

/**
 * Runs `command` under systemd-socket-activate listening on `listen` (one socket each, fd 3 on);
 * resolves once every socket listens. The command starts at the first connection or datagram.
 */
export async function socketActivate(listen: string[], command: string[], opts: { fdnames?: string[]; datagram?: boolean; accept?: boolean; env?: NodeJS.ProcessEnv } = {}): Promise<Activated> {
  if (!existsSync(SOCKET_ACTIVATE)) throw new Error(`${SOCKET_ACTIVATE} not found: install Debian's systemd package`);
  const args = [...listen.flatMap((l) => ['-l', l])];
  if (opts.fdnames) args.push(`--fdname=${opts.fdnames.join(':')}`);
  if (opts.datagram) args.push('--datagram');
  if (opts.accept) args.push('--accept');
  const child = spawn(SOCKET_ACTIVATE, [...args, '--', ...command], { cwd: ROOT, env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => { out += d; });
  child.stderr!.on('data', (d) => { out += d; });
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  let gone = false;
  void exited.then(() => { gone = true; });
  await waitFor(() => gone || (out.match(/^Listening on .* as \d+\.$/gm) ?? []).length === listen.length, 10000, `systemd-socket-activate to listen in:\n${out}`);
  if (gone) throw new Error(`systemd-socket-activate exited:\n${out}`);
  return { child, output: () => out, exited };
}

/** A UDP port free on 127.0.0.1 right now (bound, then released). */
export function freeUdpPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = dgram.createSocket('udp4');
    s.bind(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Sends one datagram to 127.0.0.1:`port` (wakes a datagram socket-activate up). */
export function poke(port: number, payload = 'start'): Promise<void> {
  return new Promise((resolve) => {
    const s = dgram.createSocket('udp4');
    s.send(payload, port, '127.0.0.1', () => s.close(() => resolve()));
  });
}

/** The inodes of the TCP sockets listening on `port` (any address), from the kernel's tables. */
export function listeningInodes(port: number): number[] {
  const out: number[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      // local_address HEX:PORT, st 0A = LISTEN, inode the tenth column.
      if (f.length > 9 && f[3] === '0A' && parseInt(f[1]!.split(':')[1]!, 16) === port) out.push(Number(f[9]));
    }
  }
  return out;
}

/** The inodes of the sockets process `pid` holds open. */
export function socketsOf(pid: number): number[] {
  const out: number[] = [];
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) out.push(Number(m[1]));
    } catch {
      // Closed meanwhile.
    }
  }
  return out;
}

/** The names of the LISTEN_* variables in process `pid`'s environment (as it was started). */
export function listenVariablesOf(pid: number): string[] {
  return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').map((kv) => kv.split('=')[0]!).filter((k) => k.startsWith('LISTEN_'));
}
