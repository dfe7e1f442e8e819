// One HTTP request on a new connection, with the response's headers: for session tests.
import http from 'node:http';

export interface Reply { status: number; headers: http.IncomingHttpHeaders; body: { worker: number; [k: string]: unknown } }

export function request(port: number, path: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path, headers: { connection: 'close', ...headers }, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { body += d; });
      res.on('end', () => {
        try {
          resolve({ status: res.statusCode!, headers: res.headers, body: JSON.parse(body) });
        } catch {
          reject(new Error(`${path}: ${res.statusCode} ${body.slice(0, 200)}`));
        }
      });
    }).on('error', reject);
  });
}

/** Sessions per worker. */
export function countBy(workers: readonly number[]): Map<number, number> {
  const m = new Map<number, number>();
  for (const w of workers) m.set(w, (m.get(w) ?? 0) + 1);
  return m;
}
