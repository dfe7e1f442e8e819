// A Unix socket (0600, ours) that answers admin requests as `answer` says, recording each.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface FakeMaster {
  path: string;
  requests: Array<Record<string, unknown>>;
  close(): Promise<void>;
}

/** `answer` returns the result, or throws { code, message } for a refusal. */
export async function fakeMaster(answer: (request: Record<string, unknown>) => unknown): Promise<FakeMaster> {
  const dir = mkdtempSync(join(tmpdir(), 'portplex-top-'));
  const path = join(dir, 'admin.sock');
  const requests: Array<Record<string, unknown>> = [];
  const server = net.createServer((c) => {
    c.setEncoding('utf8');
    let buf = '';
    c.on('data', (d: string) => {
      buf += d;
      if (!buf.includes('\n')) return;
      const request = JSON.parse(buf) as Record<string, unknown>;
      requests.push(request);
      try {
        c.end(`${JSON.stringify({ ok: true, result: answer(request) })}\n`);
      } catch (err) {
        const e = err as { code: string; message: string };
        c.end(`${JSON.stringify({ ok: false, code: e.code, error: e.message })}\n`);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  chmodSync(path, 0o600);
  return {
    path,
    requests,
    close: () => new Promise((resolve) => server.close(() => {
      rmSync(dir, { recursive: true, force: true });
      resolve();
    })),
  };
}
