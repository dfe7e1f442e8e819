// A UDP socket's family and address read from /proc/net/udp and udp6 lines, found by inode.
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { fstatSync, readdirSync, readlinkSync } from 'node:fs';
import { test } from 'node:test';
import { findInode, udpSocket } from '../../../src/systemd/proc-net.js';

const HEAD4 = '   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops\n';
const HEAD6 = '  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops\n';

function line(local: string, remote: string, inode: number): string {
  return ` 4569: ${local} ${remote} 07 00000000:00000000 00:00000000 00000000     0        0 ${inode} 2 00000000f90d0491 0\n`;
}

test('a table line gives the family, address, port and whether it is connected (little- and big-endian words)', () => {
  const cases: Array<{ table: string; family: 'IPv4' | 'IPv6'; le: boolean; want: object | undefined }> = [
    { table: HEAD4 + line('0100007F:9D69', '00000000:0000', 77), family: 'IPv4', le: true, want: { family: 'IPv4', address: '127.0.0.1', port: 40297, connected: false } },
    { table: HEAD4 + line('7F000001:0035', '00000000:0000', 77), family: 'IPv4', le: false, want: { family: 'IPv4', address: '127.0.0.1', port: 53, connected: false } },
    { table: HEAD4 + line('00000000:14E9', '00000000:0000', 77), family: 'IPv4', le: true, want: { family: 'IPv4', address: '0.0.0.0', port: 5353, connected: false } },
    { table: HEAD4 + line('0100007F:880F', '0100007F:0009', 77), family: 'IPv4', le: true, want: { family: 'IPv4', address: '127.0.0.1', port: 34831, connected: true } },
    { table: HEAD6 + line('00000000000000000000000001000000:8A69', '00000000000000000000000000000000:0000', 78), family: 'IPv6', le: true, want: { family: 'IPv6', address: '::1', port: 35433, connected: false } },
    { table: HEAD6 + line('00000000000000000000000000000001:8A69', '00000000000000000000000000000000:0000', 78), family: 'IPv6', le: false, want: { family: 'IPv6', address: '::1', port: 35433, connected: false } },
    { table: HEAD6 + line('00000000000000000000000000000000:0035', '00000000000000000000000000000000:0000', 78), family: 'IPv6', le: true, want: { family: 'IPv6', address: '::', port: 53, connected: false } },
    // The longest run of zero groups becomes "::"; of two equal runs, the first.
    { table: HEAD6 + line('B80D0120000000000100000001000000:0035', '00000000000000000000000000000000:0000', 78), family: 'IPv6', le: true, want: { family: 'IPv6', address: '2001:db8::1:0:1', port: 53, connected: false } },
    { table: HEAD6 + line('B80D0120000000000000010001000000:0035', '00000000000000000000000000000000:0000', 78), family: 'IPv6', le: true, want: { family: 'IPv6', address: '2001:db8::1:0:0:1', port: 53, connected: false } },
    { table: HEAD6 + line('B80D0120010000000100000001000000:0035', '00000000000000000000000000000000:0000', 78), family: 'IPv6', le: true, want: { family: 'IPv6', address: '2001:db8:0:1:0:1:0:1', port: 53, connected: false } },
    { table: HEAD6 + line('0000000000000000FFFF00000100007F:0035', '00000000000000000000000000000000:0000', 78), family: 'IPv6', le: true, want: { family: 'IPv6', address: '::ffff:7f00:1', port: 53, connected: false } },
    // Another inode, or a line the table's format does not allow.
    { table: HEAD4 + line('0100007F:9D69', '00000000:0000', 770), family: 'IPv4', le: true, want: undefined },
    { table: HEAD4 + line('0100007G:9D69', '00000000:0000', 77), family: 'IPv4', le: true, want: undefined },
    { table: '', family: 'IPv4', le: true, want: undefined },
  ];
  for (const c of cases) {
    const inode = c.family === 'IPv4' ? 77 : 78;
    assert.deepEqual(findInode(c.table, inode, c.family, c.le), c.want, c.table.split('\n')[1]);
  }
});

test("udpSocket reads real sockets of this process from the kernel's tables", async () => {
  for (const [type, host, family] of [['udp4', '127.0.0.1', 'IPv4'], ['udp6', '::1', 'IPv6'], ['udp6', '::', 'IPv6']] as const) {
    const s = dgram.createSocket(type);
    await new Promise<void>((resolve) => s.bind(0, host, resolve));
    const { port } = s.address();
    // A dgram socket's descriptor is not public: every socket this process holds, by inode.
    const found = socketInodes().map((inode) => udpSocket(inode)).filter((u) => u?.port === port);
    assert.deepEqual(found, [{ family, address: host, port, connected: false }], `${type} ${host}`);
    s.close();
  }
  assert.equal(udpSocket(fstatSync(0).ino + 1e9), undefined, 'an inode in neither table');
});

/** The inodes of this process's sockets, through /proc/self/fd. */
function socketInodes(): number[] {
  const out: number[] = [];
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/self/fd/${fd}`));
      if (m) out.push(Number(m[1]));
    } catch {
      // Closed meanwhile (the readdir's own descriptor).
    }
  }
  return out;
}
