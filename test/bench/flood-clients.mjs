// The flood of test/bench/sign-in-flood.ts, in a process of its own (plain JavaScript: started
// with `fork`, no TypeScript loader). It stands for many clients on other machines, so it must
// cost this machine as little as it can: each client is one keep-alive TCP connection that writes
// a whole HTTP/1.1 request, reads the status line, the headers and `Content-Length` bytes of body,
// and sends the next request at once (one request in flight per connection, no pipelining). Every
// request is `POST /iam/auth/jwt/login` with a JSON body of an address nobody has and a wrong
// password, from a made-up `X-Forwarded-For` address (behind a proxy) or, `direct`, from an address
// of each connection's own on loopback (127.0.1.n), so no per-address or per-IP limit stops it.
// The parent sends 'stop'; the answer is `{ statuses, sent }`.
import { connect } from 'node:net';

const { port, host, clients, direct } = JSON.parse(process.argv[2]);
const statuses = {};
let sent = 0;
let flooding = true;
process.on('message', () => (flooding = false));

function request(n, i) {
  const body = JSON.stringify({ username: `nobody-${n}-${i}@flood.test`, password: 'wrong' });
  const ip = `10.${n}.${(i >> 8) & 255}.${i & 255}`;
  return (
    `POST /iam/auth/jwt/login HTTP/1.1\r\nHost: ${host}:${port}\r\n` +
    `Content-Type: application/json\r\n${direct ? '' : `X-Forwarded-For: ${ip}\r\n`}` +
    `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
  );
}

/** One answer read off `socket`: resolves with its status, or null when the connection ended. */
function answers(socket) {
  let buffered = Buffer.alloc(0);
  let waiting = null;
  const settle = (value) => {
    const resolve = waiting;
    waiting = null;
    resolve?.(value);
  };
  const tryParse = () => {
    const end = buffered.indexOf('\r\n\r\n');
    if (end < 0) return;
    const head = buffered.subarray(0, end).toString('latin1');
    const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
    if (buffered.length < end + 4 + length) return;
    buffered = buffered.subarray(end + 4 + length);
    settle({ status: Number(head.slice(9, 12)), close: /\r\nconnection: *close/i.test(head) });
  };
  socket.on('data', (chunk) => {
    buffered = buffered.length ? Buffer.concat([buffered, chunk]) : chunk;
    if (waiting) tryParse();
  });
  socket.on('close', () => settle(null));
  socket.on('error', () => {});
  return () =>
    new Promise((resolve) => {
      waiting = resolve;
      if (socket.destroyed) settle(null);
      else tryParse();
    });
}

async function client(n) {
  while (flooding) {
    const socket = direct
      ? connect({ port, host, localAddress: `127.0.1.${n + 1}` })
      : connect(port, host);
    socket.setNoDelay(true);
    const next = answers(socket);
    while (flooding) {
      socket.write(request(n, sent++));
      const answer = await next();
      if (!answer) {
        statuses.error = (statuses.error ?? 0) + 1;
        break;
      }
      statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
      if (answer.close) break;
    }
    socket.destroy();
  }
}

await Promise.all(Array.from({ length: clients }, (_, n) => client(n)));
process.send({ statuses, sent }, () => process.exit(0));
