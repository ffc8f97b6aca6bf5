// The fan-out benchmark: waptops, ansible-playbook and the raw ssh2 lower bound, side by side, on N farm hosts.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startFarm } from './farm.js';
import { type ProfileSummary, profileWaptops } from './profile.js';
import { startRelay } from './relay.js';
import { runTool, type ToolName, type ToolRun, writeToolFiles } from './tools.js';

/** What to measure: host counts, rounds per count, tools. */
export interface FanoutOptions {
  sizes: number[];
  rounds: number;
  tools: ToolName[];
}

/** Every run of every tool at one host count: first runs (changes) and second runs (nothing to change). */
export interface FanoutSize {
  hosts: number;
  runs: Record<ToolName, { first: ToolRun[]; second: ToolRun[] }>;
  /** A CPU profile of one more waptops first run, after the measured rounds. */
  profile?: ProfileSummary;
}

/** Reads BENCH_SIZES (e.g. `10,50`), BENCH_ROUNDS and BENCH_TOOLS, with the defaults of `make bench`. */
export function fanoutOptions(env: NodeJS.ProcessEnv = process.env): FanoutOptions {
  const list = (v: string | undefined, d: string) =>
    (v ?? d)
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  const sizes = list(env.BENCH_SIZES, '10,50,100,250').map(Number);
  if (sizes.some((n) => !Number.isInteger(n) || n < 1 || n > 1000))
    throw new Error(`BENCH_SIZES must be host counts from 1 to 1000, got ${env.BENCH_SIZES}`);
  const rounds = Number(env.BENCH_ROUNDS ?? 3);
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`BENCH_ROUNDS must be a positive integer`);
  const tools = list(env.BENCH_TOOLS, 'raw,waptops,ansible') as ToolName[];
  const unknown = tools.filter((t) => !['raw', 'waptops', 'ansible'].includes(t));
  if (unknown.length > 0) throw new Error(`BENCH_TOOLS: unknown ${unknown.join(', ')}`);
  return { sizes, rounds, tools };
}

// Each tool must do the same work: every host changed twice on the first run, nothing on the second.
function checkChanges(tool: ToolName, hosts: number, first: ToolRun, second: ToolRun): void {
  if (first.changed !== 2 * hosts || second.changed !== 0) {
    throw new Error(
      `${tool} on ${hosts} hosts changed ${first.changed} then ${second.changed} (expected ${2 * hosts} then 0)`,
    );
  }
}

/** Measures one host count; `progress` hears one line per run. */
async function measureSize(
  hosts: number,
  opts: FanoutOptions,
  progress: (line: string) => void,
): Promise<FanoutSize> {
  const farm = await startFarm(hosts);
  const relay = await startRelay(farm.hosts[0]?.address as string);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'waptops-fanout-'));
  const size: FanoutSize = { hosts, runs: {} as FanoutSize['runs'] };
  for (const tool of opts.tools) size.runs[tool] = { first: [], second: [] };
  try {
    const files = await writeToolFiles(dir, farm, relay);
    for (let round = 0; round < opts.rounds; round++) {
      // The order turns each round, so no tool always runs on a machine the previous one warmed up.
      const order = opts.tools.map((_, i) => opts.tools[(i + round) % opts.tools.length] as ToolName);
      for (const tool of order) {
        await farm.reset();
        const first = await runTool(tool, files, relay, hosts);
        const second = await runTool(tool, files, relay, hosts);
        checkChanges(tool, hosts, first, second);
        size.runs[tool].first.push(first);
        size.runs[tool].second.push(second);
        progress(
          `  ${hosts} hosts, round ${round + 1}/${opts.rounds}, ${tool}: ${(first.wallMs / 1000).toFixed(2)} s then ${(second.wallMs / 1000).toFixed(2)} s`,
        );
      }
    }
    if (opts.tools.includes('waptops')) {
      await farm.reset();
      size.profile = await profileWaptops(files, hosts);
    }
    return size;
  } finally {
    await relay.close();
    await farm.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Runs the whole comparison, one host count after the other. */
export async function measureFanout(
  opts: FanoutOptions,
  progress: (line: string) => void = console.log,
): Promise<FanoutSize[]> {
  const out: FanoutSize[] = [];
  for (const hosts of opts.sizes) out.push(await measureSize(hosts, opts, progress));
  return out;
}
