import { describe, expect, it } from 'vitest';
import { createDashboardState, LOW_TMP_KIB, withNodeSample } from '../../src/dashboard/state.js';
import { DashboardStore } from '../../src/dashboard/store.js';
import { holdFullNodes } from '../../src/run/hold-full-nodes.js';

// A node whose disk fills is held out of the build once, and given jobs again once, when
// there is room: not on every sample.

describe('holding nodes whose disk is full', () => {
  it('holds a node when its disk fills and releases it when there is room again', () => {
    const store = new DashboardStore(
      createDashboardState({
        startedAt: 0,
        nodes: [
          { name: 'a', slots: 2 },
          { name: 'b', slots: 2 },
        ],
      }),
    );
    const calls: string[] = [];
    const stop = holdFullNodes(store, (host, held, reason) => calls.push(`${host} ${held} ${reason}`));
    const sample = (host: string, tmpFreeKiB: number | undefined) =>
      store.update((s) => withNodeSample(s, host, { processes: [], complete: true, ...(tmpFreeKiB === undefined ? {} : { tmpFreeKiB }) }, Date.now()));
    sample('a', LOW_TMP_KIB * 4);
    sample('b', undefined);
    sample('a', 0);
    sample('a', 10);
    sample('b', 0);
    sample('a', LOW_TMP_KIB);
    stop();
    sample('a', 0);
    expect(calls).toEqual(['a true its disk is full', 'b true its disk is full', 'a false its disk is full']);
  });
});
