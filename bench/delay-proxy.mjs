// A user-space delaying TCP proxy: this kernel has no netem. Each listener forwards to one
// target and holds every chunk for `delayMs` in each direction, in order, so an SSH exchange
// sees delayMs * 2 of added round-trip time. Loopback addresses only.

import { createConnection, createServer } from 'node:net';

/**
 * A writer that delivers chunks delayMs after they arrive, never out of order. One queue and one
 * timer per direction: a timer per chunk could fire out of order under load (Node.js times each
 * against the event loop's cached clock), and a reordered chunk corrupts the SSH stream ("Bad
 * packet length").
 */
function delayedWriter(socket, delayMs) {
  const queue = [];
  let timer;
  let ending = false;
  const drain = () => {
    timer = undefined;
    const now = performance.now();
    while (queue.length > 0 && queue[0].due <= now) {
      const { chunk } = queue.shift();
      if (chunk === null) socket.end();
      else if (!socket.destroyed) socket.write(chunk);
    }
    if (queue.length > 0) timer = setTimeout(drain, Math.max(0, queue[0].due - now));
  };
  const push = (chunk, due) => {
    queue.push({ chunk, due });
    timer ??= setTimeout(drain, Math.max(0, queue[0].due - performance.now()));
  };
  return {
    write(chunk) {
      push(chunk, performance.now() + delayMs);
    },
    end() {
      if (ending) return;
      ending = true;
      push(null, performance.now() + delayMs);
    },
  };
}

/**
 * Starts one listener per route: { listenHost, listenPort, targetHost, targetPort }.
 * Returns a close() that stops them all.
 */
export async function startDelayProxy(routes, delayMs) {
  const servers = await Promise.all(
    routes.map(
      (route) =>
        new Promise((resolve, reject) => {
          const server = createServer((client) => {
            client.setNoDelay(true);
            const upstream = createConnection({ host: route.targetHost, port: route.targetPort });
            upstream.setNoDelay(true);
            const toUpstream = delayedWriter(upstream, delayMs);
            const toClient = delayedWriter(client, delayMs);
            client.on('data', (chunk) => toUpstream.write(chunk));
            upstream.on('data', (chunk) => toClient.write(chunk));
            client.on('end', () => toUpstream.end());
            upstream.on('end', () => toClient.end());
            client.on('error', () => upstream.destroy());
            upstream.on('error', () => client.destroy());
            client.on('close', () => setTimeout(() => upstream.destroy(), delayMs * 2));
            upstream.on('close', () => setTimeout(() => client.destroy(), delayMs * 2));
          });
          server.once('error', reject);
          server.listen(route.listenPort, route.listenHost, () => resolve(server));
        }),
    ),
  );
  return {
    close: () => Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve)))),
  };
}
