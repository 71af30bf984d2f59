// Design (B) of issue 4, kept for the benchmark only: demerge itself holds the node's ssh2
// connection, listens on a unix socket per node in the run directory, and pipes each accepted
// connection into a direct-tcpip channel to the run's distccd; DISTCC_SSH is a python3 relay
// (python3 is on every Gentoo system because Portage needs it). demerge ships design (A).
import { chownSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { connect } from '../../dist/ssh/connect.js';
import { connectAuth } from '../../dist/ssh/auth.js';
import { renderRemoteCommand } from '../../dist/transport/remote-command.js';
import { candidatePorts } from '../../dist/transport/ports.js';
import { readFileSync } from 'node:fs';

export async function openSsh2Tunnel({ node, key, knownHosts, socketPath, owner, jobs = 4 }) {
  const io = { readBinary: (p) => readFileSync(p), readFile: (p) => readFileSync(p, 'utf8') };
  const auth = connectAuth(io, { key, knownHosts, connectTimeout: 5 });
  const { client } = await connect({ host: node.host, port: node.port, user: node.user }, auth);
  const command = renderRemoteCommand({ distccd: 'distccd', ports: candidatePorts(), jobs });
  const session = await new Promise((resolve, reject) => client.exec(command, (err, stream) => (err ? reject(err) : resolve(stream))));
  const port = await new Promise((resolve, reject) => {
    let text = '';
    session.on('data', (chunk) => {
      text += chunk;
      const match = /ready (\d+)/.exec(text);
      if (match) resolve(Number(match[1]));
    });
    session.on('close', () => reject(new Error(`node closed: ${text}`)));
  });
  const heartbeat = setInterval(() => session.write('h'), 10_000);
  rmSync(socketPath, { force: true });
  const server = createServer((socket) => {
    client.forwardOut('127.0.0.1', 0, '127.0.0.1', port, (err, channel) => {
      if (err) return socket.destroy();
      socket.pipe(channel).pipe(socket);
      socket.on('error', () => channel.destroy());
      channel.on('error', () => socket.destroy());
    });
  });
  await new Promise((resolve) => server.listen(socketPath, resolve));
  if (owner) chownSync(socketPath, owner.uid, owner.gid);
  return {
    port,
    async close() {
      clearInterval(heartbeat);
      server.close();
      session.end();
      await new Promise((resolve) => {
        client.once('close', resolve);
        client.end();
        setTimeout(resolve, 3000);
      });
    },
  };
}

/** The python3 connector: picks the node's socket by host and relays stdin/stdout. */
export function renderPythonConnector(routes) {
  const table = JSON.stringify(Object.fromEntries(routes.map((r) => [r.host, r.socketPath])));
  return `#!/usr/bin/python3 -IS
import os, select, socket, sys
a = sys.argv[1:]
while a and a[0].startswith('-'):
    a = a[2:] if a[0] == '-l' else a[1:]
path = ${table}.get(a[0] if a else '')
if path is None:
    sys.exit(255)
s = socket.socket(socket.AF_UNIX)
s.connect(path)
open_in = True
while True:
    r, _, _ = select.select([0, s] if open_in else [s], [], [])
    if 0 in r:
        data = os.read(0, 65536)
        if data:
            s.sendall(data)
        else:
            s.shutdown(socket.SHUT_WR)
            open_in = False
    if s in r:
        data = s.recv(65536)
        if not data:
            break
        os.write(1, data)
`;
}

export function writePythonConnector(path, routes, owner) {
  writeFileSync(path, renderPythonConnector(routes), { mode: 0o755 });
  if (owner) chownSync(path, owner.uid, owner.gid);
}
