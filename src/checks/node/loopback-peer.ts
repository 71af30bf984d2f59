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

interface Wanted {
  peerPort: number;
  port: number;
  resolve(uid: number | undefined): void;
}

/**
 * Reads the table once for every connection waiting, stopping when all are found: the kernel
 * walks its whole connection table to write this file (milliseconds of CPU), so the lookups of
 * many nodes' trials, which come in bursts, share reads. Asynchronous, so the event loop that
 * serves every other node is never stalled.
 */
async function readOwners(path: string, wanted: readonly Wanted[]): Promise<void> {
  const left = new Set(wanted);
  let file;
  try {
    file = await open(path, 'r');
    const buffer = Buffer.alloc(64 * 1024);
    // The header names no socket, and its fields would not match: it needs no skipping.
    let pending = '';
    const scan = (line: string): void => {
      for (const want of left) {
        const uid = lineOwner(line, want.peerPort, want.port);
        if (uid === undefined) continue;
        want.resolve(uid);
        left.delete(want);
      }
    };
    while (left.size > 0) {
      const { bytesRead } = await file.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) {
        scan(pending);
        break;
      }
      const lines = (pending + buffer.toString('latin1', 0, bytesRead)).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) scan(line);
    }
  } catch {
    // Unknown owner: the connection is refused.
  } finally {
    await file?.close();
    for (const want of left) want.resolve(undefined);
  }
}

/**
 * A lookup of the uid of the local process's socket connected from `peerPort` to our `port`
 * (undefined when unknown). Lookups made while a read is under way are served together by the
 * next one.
 */
export function createPeerLookup(path = '/proc/net/tcp'): (peerPort: number, port: number) => Promise<number | undefined> {
  let waiting: Wanted[] = [];
  let reading = false;
  const drain = async (): Promise<void> => {
    reading = true;
    while (waiting.length > 0) {
      const batch = waiting;
      waiting = [];
      await readOwners(path, batch);
    }
    reading = false;
  };
  return (peerPort, port) =>
    new Promise((resolve) => {
      waiting.push({ peerPort, port, resolve });
      if (!reading) void drain();
    });
}

/** The lookup of this process, on the system's table. */
export const loopbackPeerUid = createPeerLookup();
