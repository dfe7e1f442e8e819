// Keep-alive HTTP/1.1 clients as connection pools use them: each its own agent with one
// connection, a request, then a pause of 0-20 ms, again and again. A client whose new connection
// is refused stops (the service is gone); every other error is a failed request. Answers that
// are JSON with a pid (the fixtures' apps) are counted per process.
import http from 'node:http';

export interface KeepAliveLoad {
  answered(): number;
  /** Answers by the pid the app put in them. */
  byPid(): ReadonlyMap<number, number>;
  /** Stops the clients; resolves with the failures and how many clients found the port closed. */
  stop(): Promise<{ failed: string[]; refused: number }>;
}

export function keepAliveLoad(port: number, clients: number): KeepAliveLoad {
  let running = true;
  let answered = 0;
  let refused = 0;
  const failed: string[] = [];
  const pids = new Map<number, number>();
  const loops = Array.from({ length: clients }, async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    let on = true;
    while (running && on) {
      await new Promise<void>((resolve) => {
        const req = http.get({ host: '127.0.0.1', port, path: '/', agent }, (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (d: string) => { body += d; });
          res.on('end', () => {
            if (res.statusCode === 200) answered++;
            else failed.push(`status ${res.statusCode}`);
            const pid = pidOf(body);
            if (pid !== undefined) pids.set(pid, (pids.get(pid) ?? 0) + 1);
            resolve();
          });
          res.on('error', (err) => { failed.push(`response: ${err.message}`); resolve(); });
        });
        req.on('error', (err: NodeJS.ErrnoException) => {
          if (err.code === 'ECONNREFUSED') {
            refused++;
            on = false;
          } else failed.push(`${err.code ?? err.message}${req.reusedSocket ? ' (on a kept-alive connection)' : ''}`);
          resolve();
        });
      });
      await new Promise((r) => setTimeout(r, Math.random() * 20));
    }
    agent.destroy();
  });
  return { answered: () => answered, byPid: () => pids, stop: async () => { running = false; await Promise.all(loops); return { failed, refused }; } };
}

function pidOf(body: string): number | undefined {
  try {
    const pid: unknown = (JSON.parse(body) as { pid?: unknown }).pid;
    return typeof pid === 'number' ? pid : undefined;
  } catch {
    return undefined;
  }
}
