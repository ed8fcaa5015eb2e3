import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { CONTENT_SECURITY_POLICY } from '../api/csp';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

/** The same policy the Electron window enforces (app/api/csp.ts). */
export { CONTENT_SECURITY_POLICY };

export function securityHeaders(): Record<string, string> {
  return {
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    // The page URL carries the access token: never send it anywhere.
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
  };
}

/** Serves the built renderer; unknown paths get index.html (hash routes), never a file outside root. */
export async function serveStatic(root: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, securityHeaders()).end();
    return;
  }
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  let path: string;
  try {
    path = decodeURIComponent(url.pathname);
  } catch {
    res.writeHead(400, securityHeaders()).end();
    return;
  }
  const target = normalize(join(root, path));
  if (target !== root && !target.startsWith(root + sep)) {
    res.writeHead(403, securityHeaders()).end();
    return;
  }
  let file = target;
  const info = await stat(file).catch(() => null);
  if (!info || info.isDirectory()) file = join(root, 'index.html');
  const fileInfo = await stat(file).catch(() => null);
  if (!fileInfo?.isFile()) {
    res
      .writeHead(404, { ...securityHeaders(), 'Content-Type': 'text/plain' })
      .end('Not found. Run "npm run build" first.');
    return;
  }
  res.writeHead(200, {
    ...securityHeaders(),
    'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
    'Content-Length': String(fileInfo.size),
    'Cache-Control': file.endsWith('index.html') ? 'no-store' : 'public, max-age=3600',
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  createReadStream(file).pipe(res);
}
