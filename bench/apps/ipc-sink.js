// Child of bench/micro/ipc.ts: takes messages (closing any handle that comes with them), and
// answers each connection frame with an ack frame, as a portplex worker does.
import { FrameChannel } from '../../dist/src/ipc/frame-channel.js';
import { FRAME, decodeConn, encodeAcks } from '../../dist/src/ipc/frames.js';

process.on('internalMessage', (m, handle) => { if (handle) handle.close(); });
// A 'message' listener keeps the IPC channel, and so this process, alive.
process.on('message', () => {});
const frames = FrameChannel.open(process, (type, b, start, end, handle) => {
  if (handle) handle.close();
  if (type === FRAME.conn) frames.write(encodeAcks([decodeConn(b, start, end).id], [], []));
}, () => {});
process.send('ready');
