// A user-space delaying TCP proxy (the lab's kernel has no netem): every byte takes `delayMs`
// more each way. A new connection's first bytes to the server wait one extra round trip, as
// behind a real link the client's connect() would (SYN, SYN-ACK), so a fresh TCP connection per
// job (distcc's TCP mode, the recipe's ssh) pays the handshake as it would on the wire.
import { connect, createServer } from 'node:net';

function delayedPipe(from, to, dueAt) {
  // One FIFO and one timer per direction: separate timers with equal deadlines may fire in any
  // order, and a reordered byte stream is a different stream.
  const queue = [];
  let timer;
  const pump = () => {
    timer = undefined;
    while (queue.length > 0 && queue[0].due <= Date.now()) queue.shift().action();
    if (queue.length > 0) timer = setTimeout(pump, queue[0].due - Date.now());
  };
  const later = (action) => {
    const due = Math.max(dueAt(Date.now()), queue.at(-1)?.due ?? 0);
    queue.push({ due, action });
    if (timer === undefined) timer = setTimeout(pump, Math.max(0, due - Date.now()));
  };
  let ended = false;
  from.on('data', (chunk) => later(() => to.destroyed || to.write(chunk)));
  from.on('end', () => {
    ended = true;
    later(() => to.destroyed || to.end());
  });
  from.on('error', () => {});
  // A close without an end (reset, error) resets the other side too.
  from.on('close', () => ended || later(() => to.destroy()));
}

export function startDelayProxy({ listenHost, listenPort, targetHost, targetPort, delayMs }) {
  const server = createServer({ allowHalfOpen: true }, (client) => {
    const accepted = Date.now();
    const upstream = connect({ host: targetHost, port: targetPort, allowHalfOpen: true });
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    delayedPipe(client, upstream, (now) => Math.max(now + delayMs, accepted + 3 * delayMs));
    delayedPipe(upstream, client, (now) => now + delayMs);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(listenPort, listenHost, () => resolve({ close: () => new Promise((r) => server.close(() => r())) }));
  });
}
