// The benchmark statistics: nearest-rank percentiles, summaries and the printed verdict line.
import { describe, expect, it } from 'vitest';
import { percentile, spread, summarise, timeEach, verdict } from '../../../scripts/bench/stats.js';

describe('bench stats', () => {
  it('percentile uses the nearest rank', () => {
    const sorted = Array.from({ length: 20 }, (_, i) => i + 1);
    expect(percentile(sorted, 50)).toBe(10);
    expect(percentile(sorted, 95)).toBe(19);
    expect(percentile(sorted, 100)).toBe(20);
    expect(percentile([7], 95)).toBe(7);
    expect(() => percentile([], 50)).toThrow(/no values/);
  });

  it('summarise sorts before ranking', () => {
    expect(summarise([5, 1, 3, 2, 4])).toEqual({ count: 5, median: 3, p95: 5, min: 1, max: 5 });
  });

  it('spread and verdict print what they measured', () => {
    expect(spread([2.5, 1, 3], 's', 1)).toBe('1.0-3.0 s over 3 rounds');
    expect(verdict('median', '12 ms', '< 200 ms', true)).toMatch(/median +12 ms +target < 200 ms: meets$/);
    expect(verdict('p95', '250 ms', '< 200 ms', false)).toMatch(/: misses$/);
  });

  it('timeEach runs the job once per run and returns one time each', async () => {
    let calls = 0;
    const times = await timeEach(4, async () => {
      calls++;
    });
    expect(calls).toBe(4);
    expect(times).toHaveLength(4);
    for (const t of times) expect(t).toBeGreaterThanOrEqual(0);
  });
});
