// Small statistics and printing helpers shared by the benchmarks.

/** Median, 95th percentile and extremes of a set of timings in milliseconds. */
export interface Timings {
  count: number;
  median: number;
  p95: number;
  min: number;
  max: number;
}

/** The value at percentile `p` (nearest rank) of ascending `sorted`. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) throw new Error('percentile of no values');
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))] as number;
}

/** Summarises timings (any order). */
export function summarise(times: number[]): Timings {
  const sorted = [...times].sort((a, b) => a - b);
  return {
    count: sorted.length,
    median: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    min: sorted[0] as number,
    max: sorted[sorted.length - 1] as number,
  };
}

/** Times `once` `runs` times in a row; returns each wall time in milliseconds. */
export async function timeEach(runs: number, once: () => Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    await once();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return times;
}

/** Formats milliseconds with the given decimals, e.g. `12.34 ms`. */
export function ms(value: number, decimals = 2): string {
  return `${value.toFixed(decimals)} ms`;
}

/** The spread of a figure measured in several rounds, as `min-max unit over N rounds`. */
export function spread(values: number[], unit = 'ms', decimals = 2): string {
  const s = summarise(values);
  return `${s.min.toFixed(decimals)}-${s.max.toFixed(decimals)} ${unit} over ${s.count} rounds`;
}

/** One line `  <label> <figure>   target <target>: meets|misses`. */
export function verdict(label: string, figure: string, target: string, meets: boolean): string {
  return `  ${label.padEnd(52)} ${figure.padEnd(14)} target ${target}: ${meets ? 'meets' : 'misses'}`;
}
