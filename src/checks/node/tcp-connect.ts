import { connect as netConnect, type Socket } from 'node:net';

// The TCP part of a node's login, timed on its own: the connect's duration is one round trip
// (SYN, SYN-ACK), and its failure says more than ssh's ("refused" = nothing listens, silence =
// a firewall or a dead host).

export type TcpResult =
  { ok: true; socket: Socket; rttMs: number } | { ok: false; reason: 'refused' | 'timeout' | 'unresolved' | 'unreachable' | 'error'; code: string };

export function tcpConnect(host: string, port: number, timeoutMs: number, signal?: AbortSignal): Promise<TcpResult> {
  if (signal?.aborted === true) return Promise.resolve({ ok: false, reason: 'error', code: 'ABORTED' });
  return new Promise((resolve) => {
    const socket = netConnect({ host, port });
    let started = performance.now();
    let settled = false;
    const finish = (result: TcpResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      socket.removeAllListeners('connect');
      socket.removeAllListeners('error');
      if (!result.ok) socket.destroy();
      resolve(result);
    };
    const onAbort = (): void => finish({ ok: false, reason: 'error', code: 'ABORTED' });
    const timer = setTimeout(() => finish({ ok: false, reason: 'timeout', code: 'ETIMEDOUT' }), timeoutMs);
    signal?.addEventListener('abort', onAbort, { once: true });
    // The round trip starts once the name is resolved.
    socket.once('lookup', () => {
      started = performance.now();
    });
    // The result is handed on in the next check phase: other nodes' connects that completed in
    // the same poll phase get their timestamps first, before any node's handshake work runs.
    socket.once('connect', () => {
      const rttMs = performance.now() - started;
      setImmediate(() => finish({ ok: true, socket, rttMs }));
    });
    socket.once('error', (error: NodeJS.ErrnoException) => finish({ ok: false, reason: tcpReason(error.code), code: error.code ?? error.message }));
  });
}

function tcpReason(code: string | undefined): Exclude<TcpResult, { ok: true }>['reason'] {
  switch (code) {
    case 'ECONNREFUSED':
      return 'refused';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
      return 'unresolved';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EHOSTDOWN':
    case 'ENETDOWN':
      return 'unreachable';
    case 'ETIMEDOUT':
      return 'timeout';
    default:
      return 'error';
  }
}
