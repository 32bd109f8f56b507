// The floor of test/bench/sign-in-flood.ts: what answering a refusal at all costs the event loop,
// measured with the same flood. A bare node:http server (plain JavaScript, started with `fork`)
// that answers every request with the status, headers and body it is given (a refusal the BFF
// gave), plus a fresh request id, and reads nothing else. It sends `{ port }` once listening.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';

const { status, headers, body } = JSON.parse(process.argv[2]);
const server = createServer((request, response) => {
  response.writeHead(status, { ...headers, 'x-request-id': randomUUID() });
  response.end(body);
});
server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
process.on('message', () => server.close(() => process.exit(0)));
