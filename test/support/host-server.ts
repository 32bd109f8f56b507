import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';

/**
 * A host portal on its own loopback port, the way a real host embeds the widget: its own pages
 * (files under `root`, if given), and everything else — the widget's script, the API — proxied to
 * the BFF under the same origin, so the page needs no CORS. `headers` go on every HTML page (a
 * Content-Security-Policy, say).
 */
export interface HostServer {
  url: string;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
};

export async function serveHost(options: {
  bffUrl: string;
  root?: string;
  headers?: Record<string, string>;
}): Promise<HostServer> {
  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      response.writeHead(502).end(String(error));
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse) {
    const path = new URL(request.url ?? '/', 'http://host').pathname;
    const file = options.root && (await ownFile(options.root, path));
    if (file) {
      const type = TYPES[extname(file)] ?? 'application/octet-stream';
      const extra = type.startsWith('text/html') ? options.headers : undefined;
      response.writeHead(200, { 'Content-Type': type, ...extra });
      response.end(await readFile(file));
      return;
    }
    const body = ['GET', 'HEAD'].includes(request.method ?? 'GET')
      ? undefined
      : await read(request);
    const headers = new Headers();
    for (const [name, value] of Object.entries(request.headers)) {
      if (typeof value === 'string' && name !== 'host' && name !== 'connection') {
        headers.set(name, value);
      }
    }
    const answer = await fetch(`${options.bffUrl}${request.url}`, {
      method: request.method,
      headers,
      body: body && new Uint8Array(body),
      redirect: 'manual',
    });
    const out: Record<string, string> = {};
    answer.headers.forEach((value, name) => {
      // fetch has decoded the body: its length and encoding are no longer the BFF's.
      if (!['content-encoding', 'content-length', 'transfer-encoding'].includes(name)) {
        out[name] = value;
      }
    });
    if ((answer.headers.get('content-type') ?? '').startsWith('text/html')) {
      // The host's own headers replace the BFF's of the same name (fetch gives them lower case).
      for (const [name, value] of Object.entries(options.headers ?? {})) {
        out[name.toLowerCase()] = value;
      }
    }
    response.writeHead(answer.status, out);
    response.end(Buffer.from(await answer.arrayBuffer()));
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function ownFile(root: string, path: string): Promise<string | undefined> {
  const file = join(root, normalize(path.endsWith('/') ? `${path}index.html` : path));
  if (!file.startsWith(root)) return undefined;
  const info = await stat(file).catch(() => undefined);
  return info?.isFile() ? file : undefined;
}

async function read(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
