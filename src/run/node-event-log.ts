import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { NODE_EVENTS_FILE, renderNodeEvent, type NodeEvent } from '../dashboard/parse/node-events.js';

// The run's node-events file (see src/dashboard/parse/node-events.ts), written by root into the
// run directory: readable by a dashboard, not changeable by the build. Its size is bounded: a
// node repeating a complaint for every job of a long build must not fill /run.

const MAX_EVENTS = 2000;

export interface NodeEventLog {
  readonly path: string;
  write(event: NodeEvent): void;
}

export function createNodeEventLog(runDir: string): NodeEventLog {
  const path = join(runDir, NODE_EVENTS_FILE);
  // Created empty at once, so a reader finds it from the start.
  appendFileSync(path, '', { mode: 0o640 });
  let written = 0;
  return {
    path,
    write(event) {
      if (written >= MAX_EVENTS) return;
      written++;
      try {
        appendFileSync(path, renderNodeEvent(event));
      } catch {
        // The news is lost, the build is not: /run full must not end a build.
      }
    },
  };
}
