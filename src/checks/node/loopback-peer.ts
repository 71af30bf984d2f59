import { open } from 'node:fs/promises';

// Who opened a loopback TCP connection to us. A port on 127.0.0.1 is open to every local user,
// and the trial compile's port leads to a distccd on a node, logged in with the build key: only
// the build user's distcc may have it. Linux lists each TCP socket with the uid that created it
// in /proc/net/tcp; the peer's socket is the one whose local end is the peer's port and whose
// remote end is ours.

// 127.0.0.1 in the kernel's byte order: the file prints the address as a host-order integer.
const LOOPBACK = new Set(['0100007F', '7F000001']);

/** The uid owning the IPv4 socket 127.0.0.1:localPort -> 127.0.0.1:remotePort, from /proc/net/tcp text. */
export function socketOwner(table: string, localPort: number, remotePort: number): number | undefined {
  for (const line of table.split('\n').slice(1)) {
    const uid = lineOwner(line, localPort, remotePort);
    if (uid !== undefined) return uid;
  }
  return undefined;
}

// Only a connection still up counts: a socket in TIME_WAIT is listed with uid 0, whoever had it.
const ESTABLISHED = '01';

function lineOwner(line: string, localPort: number, remotePort: number): number | undefined {
  const fields = line.trim().split(/\s+/);
  const [local, remote, state, uid] = [fields[1], fields[2], fields[3], fields[7]];
  if (local === undefined || remote === undefined || state !== ESTABLISHED || uid === undefined) return undefined;
  return matches(local, localPort) && matches(remote, remotePort) && /^\d+$/.test(uid) ? Number(uid) : undefined;
}

function matches(endpoint: string, port: number): boolean {
  const [address, hexPort] = endpoint.split(':');
  return address !== undefined && LOOPBACK.has(address.toUpperCase()) && hexPort !== undefined && parseInt(hexPort, 16) === port;
}

/**
 * The uid of the local process's socket connected from `peerPort` to our `port`; undefined when
 * unknown. Asynchronous, and read only as far as the entry: the kernel walks its whole
 * connection table to write this file (milliseconds of CPU), which must not stall the event
 * loop that serves every other node.
 */
export async function loopbackPeerUid(peerPort: number, port: number, path = '/proc/net/tcp'): Promise<number | undefined> {
  let file;
  try {
    file = await open(path, 'r');
    const buffer = Buffer.alloc(64 * 1024);
    // The header names no socket, and its fields would not match: it needs no skipping.
    let pending = '';
    for (;;) {
      const { bytesRead } = await file.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) return lineOwner(pending, peerPort, port);
      const lines = (pending + buffer.toString('latin1', 0, bytesRead)).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const uid = lineOwner(line, peerPort, port);
        if (uid !== undefined) return uid;
      }
    }
  } catch {
    return undefined;
  } finally {
    await file?.close();
  }
}
