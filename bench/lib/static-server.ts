import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
};

export interface StaticServer {
  origin: string;
  close(): Promise<void>;
}

/**
 * Serves the baseline page at `/` and the installed @novnc/novnc package under `/novnc/`, as plain
 * ES modules, on 127.0.0.1. Nothing outside those two is reachable, except, when `startContainer`
 * is given, `POST /docker-start`: `docker start <that container>` (the first-frame baseline).
 */
export async function serveBaseline(
  pagePath: string,
  novncDir: string,
  startContainer?: string,
): Promise<StaticServer> {
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    if (path === '/docker-start' && req.method === 'POST' && startContainer) {
      execFile('docker', ['start', startContainer], (error, _stdout, stderr) => {
        if (error) res.writeHead(500, { 'Content-Type': 'text/plain' }).end(stderr || error.message);
        else res.writeHead(204).end();
      });
      return;
    }
    let file: string | null = null;
    if (path === '/') {
      file = pagePath;
    } else if (path.startsWith('/novnc/')) {
      const inside = normalize(join(novncDir, path.slice('/novnc/'.length)));
      if (inside.startsWith(novncDir + sep)) file = inside;
    }
    const type = file ? TYPES[extname(file)] : undefined;
    if (!file || !type) {
      res.writeHead(404).end();
      return;
    }
    readFile(file).then(
      (body) => res.writeHead(200, { 'Content-Type': type, 'Cache-Control': 'no-store' }).end(body),
      () => res.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
