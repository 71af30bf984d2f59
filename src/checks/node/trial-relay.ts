import { createServer, type Socket } from 'node:net';
import type { RelayResult, RemoteRelay } from '../../ssh/relay-exec.js';
import { loopbackPeerUid } from './loopback-peer.js';

// The trial compile's way to a node without a second login: a port on the front end's loopback
// that takes ONE connection, from the build user's distcc, and relays it to the command distcc
// would run on the node through ssh, on a new channel of the probe's connection. distcc runs in
// TCP mode against 127.0.0.1:PORT and speaks the same protocol as over ssh's pipes; the node
// sees the same request as from the build's ssh (forced command, login shell, distccd, the
// compiler whitelist), for the CPU of a channel instead of a key exchange and a login.

export interface TrialRelay {
  port: number;
  /** Settles once the relayed command ended; undefined when no connection came. */
  readonly result: Promise<RelayResult | undefined>;
  /** Stops listening and cuts a relay still running. */
  close(): void;
}

export type PeerOwner = (peerPort: number, port: number) => Promise<number | undefined>;

/** `startRemote` starts the node's side on the probe's connection (src/ssh/relay-exec.ts). */
export function openTrialRelay(startRemote: () => RemoteRelay, peerUid: number, owner: PeerOwner = loopbackPeerUid): Promise<TrialRelay> {
  return new Promise((resolve, reject) => {
    let accepted: Socket | undefined;
    let closed = false;
    let remote: RemoteRelay | undefined;
    let settle: (result: RelayResult | undefined) => void = () => {};
    const result = new Promise<RelayResult | undefined>((done) => {
      settle = done;
    });
    const server = createServer({ noDelay: true }, (socket) => {
      const port = (server.address() as { port: number } | null)?.port;
      socket.on('error', () => {});
      if (accepted !== undefined || port === undefined || socket.remotePort === undefined || remote === undefined) {
        socket.destroy();
        return;
      }
      const relay = remote;
      void owner(socket.remotePort, port).then((uid) => {
        if (uid !== peerUid || accepted !== undefined || closed) {
          socket.destroy();
          return;
        }
        accepted = socket;
        server.close();
        relay.attach(socket);
      });
    });
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0 }, () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error('no loopback port'));
        return;
      }
      // The node's side starts now, while distcc starts on this side.
      remote = startRemote();
      void remote.result.then(settle);
      resolve({
        port: address.port,
        result,
        close: () => {
          closed = true;
          server.close();
          remote?.close();
          if (accepted === undefined) settle(undefined);
        },
      });
    });
  });
}
