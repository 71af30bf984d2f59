// Delays between attempts to re-establish a node's dropped connection: quick at first (a killed
// session comes back within a second), then slower, so a node that is gone for good costs one
// login attempt every half minute for the rest of the run.
export const RECONNECT_DELAYS_MS = [1000, 2000, 4000, 8000, 16000, 30000] as const;

export function reconnectDelay(attempt: number): number {
  const index = Math.min(Math.max(0, attempt), RECONNECT_DELAYS_MS.length - 1);
  return RECONNECT_DELAYS_MS[index] ?? 30000;
}
