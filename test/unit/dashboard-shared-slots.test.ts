import { describe, expect, it } from 'vitest';
import { parseSharedSlots } from '../../src/dashboard/parse/shared-slots.js';

// The run's shared-slots.json (what other runs hold on each node), read by the dashboard each
// tick: whatever it holds, hostile or half-made, reads as counts or as nothing.

describe('the shared-slots file', () => {
  it('reads each host with its other runs', () => {
    const text = JSON.stringify({ '198.18.1.2': { jobs: 2, waiting: 1, runs: 1 }, node2: { jobs: 0, waiting: 0, runs: 0 } });
    expect([...parseSharedSlots(text)]).toEqual([
      ['198.18.1.2', { jobs: 2, waiting: 1, runs: 1 }],
      ['node2', { jobs: 0, waiting: 0, runs: 0 }],
    ]);
  });

  it.each([
    ['not JSON', '{"a": {"jobs": 1'],
    ['an array', '[1,2]'],
    ['null', 'null'],
    ['a string', '"x"'],
    ['huge', `{"a": "${'x'.repeat(300 * 1024)}"}`],
  ])('reads %s as nothing', (_, text) => {
    expect(parseSharedSlots(text).size).toBe(0);
  });

  it('skips hosts whose counts are not small whole numbers', () => {
    const text = JSON.stringify({
      negative: { jobs: -1, waiting: 0, runs: 0 },
      fraction: { jobs: 1.5, waiting: 0, runs: 0 },
      text: { jobs: '1', waiting: 0, runs: 0 },
      missing: { jobs: 1, waiting: 0 },
      huge: { jobs: 1e9, waiting: 0, runs: 0 },
      good: { jobs: 1, waiting: 2, runs: 3 },
    });
    expect([...parseSharedSlots(text).keys()]).toEqual(['good']);
  });
});
