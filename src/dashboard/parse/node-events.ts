import { sanitizeTerminalText } from '../sanitize.js';

// The run's record of what happened to its nodes' connections (lost, failed again, back, and
// problems the node's distccd reported), one JSON object per line in the run directory. The
// transport writes it; the dashboard's collectors tail it like any other log, so a dashboard
// attached from another terminal sees the same news, and the summary can name node and cause.

export const NODE_EVENTS_FILE = 'node-events.jsonl';

/**
 * `lost`: the transport's connection to the node dropped; `failed`: reaching it again failed;
 * `back`: connected again; `node`: the node reported a problem (its distccd's complaint, a
 * full disk); `resumed`: a node held out for a problem of its own gets jobs again. The names
 * are the file's, which the transport writes.
 */
export type NodeEventKind = 'lost' | 'failed' | 'back' | 'node' | 'resumed';

/** The event says the node is well again: whatever was wrong is over. */
export function endsProblem(kind: NodeEventKind): boolean {
  return kind === 'back' || kind === 'resumed';
}

export interface NodeEvent {
  /** Epoch milliseconds. */
  at: number;
  /** distcc's host name of the node, as in DISTCC_HOSTS. */
  node: string;
  kind: NodeEventKind;
  /** The cause in a person's words; empty for `back` and `resumed`. */
  cause: string;
}

const KINDS: ReadonlySet<string> = new Set(['lost', 'failed', 'back', 'node', 'resumed']);
const MAX_LINE = 4096;
const MAX_NODE = 255;
const MAX_CAUSE = 400;

export function renderNodeEvent(event: NodeEvent): string {
  return `${JSON.stringify({ at: event.at, node: event.node, kind: event.kind, cause: event.cause })}\n`;
}

/** One line of the file; anything malformed, oversized or odd is dropped, never thrown. */
export function parseNodeEventLine(line: string): NodeEvent | undefined {
  if (line.length > MAX_LINE) return undefined;
  let data: unknown;
  try {
    data = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof data !== 'object' || data === null) return undefined;
  const { at, node, kind, cause } = data as Record<string, unknown>;
  if (typeof at !== 'number' || !Number.isSafeInteger(at) || at < 0) return undefined;
  if (typeof node !== 'string' || node === '' || node.length > MAX_NODE) return undefined;
  if (typeof kind !== 'string' || !KINDS.has(kind) || typeof cause !== 'string') return undefined;
  // The node's own words (a distccd line) are in `cause`: the terminal must not obey them.
  return { at, node: sanitizeTerminalText(node, MAX_NODE), kind: kind as NodeEventKind, cause: sanitizeTerminalText(cause, MAX_CAUSE) };
}
