// Child of bench/micro/ipc.ts: takes messages (closing any handle that comes with them).
process.on('internalMessage', (m, handle) => { if (handle) handle.close(); });
// A 'message' listener keeps the IPC channel, and so this process, alive.
process.on('message', () => {});
process.send('ready');
