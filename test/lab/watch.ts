import { existsSync, linkSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startCollectors } from '../../src/dashboard/collect/collectors.js';
import { frameText, renderFrame } from '../../src/dashboard/render/frame.js';
import { parseRunInfo, type RunInfo } from '../../src/dashboard/run-info.js';
import { createRunState, type DashboardState } from '../../src/dashboard/state.js';
import { DashboardStore } from '../../src/dashboard/store.js';
import { PACKAGE_LOG_SUBDIRS } from '../../src/run-env/package-logs.js';
import { initialUi } from '../../src/dashboard/ui.js';
import { connectAuth } from '../../src/ssh/auth.js';
import { readOrUndefined, waitFor } from './lab.js';

// A running build watched from the test the way `demerge --dashboard` watches it from another
// terminal: its run.json, the dashboard's own collectors, and frames rendered from their state.

const RUN_BASE = '/run/demerge';

/** The run directory and run.json of demerge process `pid`, once it is written. */
export async function runOf(pid: number): Promise<{ dir: string; info: RunInfo }> {
  return waitFor(
    () => {
      const name = (existsSync(RUN_BASE) ? readdirSync(RUN_BASE) : []).find((n) => n.startsWith(`${pid}-`));
      const text = name === undefined ? undefined : readOrUndefined(join(RUN_BASE, name, 'run.json'));
      const info = text === undefined ? undefined : parseRunInfo(text);
      return info === undefined ? undefined : { dir: join(RUN_BASE, name as string), info };
    },
    60_000,
    'run.json',
  );
}

/**
 * Watches a running build from this process. The run's DISTCC_LOG is hard-linked first (same
 * tmpfs): the run removes its directory when it ends, and the test still wants to read the log.
 * With per-package logs, each is hard-linked into a directory of the test's as it appears, and
 * the watcher reads that one; `log` is then every package's log and the default one, joined.
 */
export function watch(info: RunInfo, overrides: Partial<RunInfo> = {}): { store: DashboardStore; log: string; stop(): Promise<void> } {
  const log = `/run/demerge-labtest-${info.pid}.log`;
  const kept = `/run/demerge-labtest-${info.pid}.d`;
  rmSync(log, { force: true });
  rmSync(kept, { recursive: true, force: true });
  const live = info.packageLogs?.dir;
  const keep = (): void => {
    if (live === undefined) return;
    for (const sub of ['', ...PACKAGE_LOG_SUBDIRS]) {
      const from = join(live, sub);
      mkdirSync(join(kept, sub), { recursive: true });
      for (const name of existsSync(from) ? readdirSync(from) : []) {
        if (!existsSync(join(kept, sub, name))) {
          try {
            linkSync(join(from, name), join(kept, sub, name));
          } catch {
            // Removed meanwhile (the run has ended), or a directory.
          }
        }
      }
    }
  };
  let timer: NodeJS.Timeout | undefined;
  if (live === undefined) linkSync(info.distccLog!.path, log);
  else {
    mkdirSync(kept);
    keep();
    timer = setInterval(keep, 100);
  }
  const watched: RunInfo =
    live === undefined
      ? { ...info, distccLog: { path: log, offset: 0 }, ...overrides }
      : { ...info, distccLog: { path: join(kept, 'run.log'), offset: 0 }, packageLogs: { dir: kept }, ...overrides };
  const store = new DashboardStore(createRunState(watched));
  const auth = connectAuth(
    { readBinary: (p) => readFileSync(p), readFile: (p) => readFileSync(p, 'utf8') },
    { key: info.ssh.key, knownHosts: info.ssh.knownHosts, connectTimeout: info.ssh.connectTimeoutSeconds },
  );
  const collectors = startCollectors(watched, auth, store);
  return {
    store,
    log,
    stop: async () => {
      clearInterval(timer);
      await collectors.flush();
      collectors.stop();
      if (live !== undefined) {
        // The logs the run wrote, one after the other (each package's lines stay in order).
        writeFileSync(
          log,
          ['', ...PACKAGE_LOG_SUBDIRS]
            .flatMap((sub) => readdirSync(join(kept, sub)).map((name) => join(kept, sub, name)))
            .filter((path) => lstatSync(path).isFile())
            .map((path) => readFileSync(path, 'utf8'))
            .join(''),
        );
        rmSync(kept, { recursive: true, force: true });
      }
    },
  };
}

export function frame(state: DashboardState, width = 110, height = 40): string {
  return frameText(renderFrame({ state, ui: initialUi(true), width, height, now: Date.now() }));
}
