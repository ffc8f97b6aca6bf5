// Benchmark: 50 hosts with a one-second step, default --forks: wall time and how many ran at once.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { readJsonReport, runCliOk, startServers, stopServers, writeInventory } from './harness.js';
import { ms, spread, summarise, verdict } from './stats.js';

const PLAYBOOK = 'test/fixtures/playbooks/bench/sleep-1.yml';

/** Figures of one round. */
export interface ConcurrencyRound {
  /** Wall time of the whole `waptops run`, process start to exit. */
  wallMs: number;
  /** Most SSH connections open at once on the servers (sampled every 50 ms). */
  peakConnections: number;
  /** Most `sleep` processes running at once under the servers (sampled every 50 ms). */
  peakSleeping: number;
  /** Sum of the hosts' durations / the run's duration: hosts in flight on average. */
  meanInFlight: number;
}

/** What a sample of /proc shows under the servers. */
interface ServerLoad {
  /** Direct children of a server: one per open (or opening) SSH connection. */
  connections: number;
  /** `sleep` processes anywhere below a server. */
  sleeping: number;
}

async function commAndParent(pid: string): Promise<[string, number] | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const close = stat.lastIndexOf(')');
    return [stat.slice(stat.indexOf('(') + 1, close), Number(stat.slice(close + 2).split(' ')[1])];
  } catch {
    return undefined; // the process ended while we looked
  }
}

/** Counts connections and `sleep` processes below the server pids `roots`. */
async function sampleServers(roots: Set<number>): Promise<ServerLoad> {
  const pids = (await readdir('/proc')).filter((p) => /^\d+$/.test(p));
  const parents = new Map<number, number>();
  const sleepers: number[] = [];
  let connections = 0;
  await Promise.all(
    pids.map(async (pid) => {
      const info = await commAndParent(pid);
      if (!info) return;
      parents.set(Number(pid), info[1]);
      if (info[0] === 'sleep') sleepers.push(Number(pid));
      if (roots.has(info[1])) connections++;
    }),
  );
  const underRoots = (pid: number): boolean => {
    for (let p = parents.get(pid); p !== undefined && p > 1; p = parents.get(p))
      if (roots.has(p)) return true;
    return false;
  };
  return { connections, sleeping: sleepers.filter(underRoots).length };
}

/** Samples the servers every `everyMs` until stopped; resolves to the highest counts seen. */
function samplePeak(roots: Set<number>, everyMs = 50): { stop(): Promise<ServerLoad> } {
  const peak: ServerLoad = { connections: 0, sleeping: 0 };
  let running = true;
  const loop = (async () => {
    while (running) {
      const now = await sampleServers(roots);
      peak.connections = Math.max(peak.connections, now.connections);
      peak.sleeping = Math.max(peak.sleeping, now.sleeping);
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return peak;
    },
  };
}

async function runRound(
  args: string[],
  report: string,
  roots: Set<number>,
  env: Record<string, string>,
): Promise<ConcurrencyRound> {
  const sampler = samplePeak(roots);
  const run = await runCliOk([...args, '--json', report], env).catch(async (e: Error) => {
    await sampler.stop();
    throw e;
  });
  const peak = await sampler.stop();
  const doc = await readJsonReport(report);
  const hostMs = Object.values(doc.hosts).reduce((sum, h) => sum + (h.recap?.durationMs ?? 0), 0);
  return {
    wallMs: run.wallMs,
    peakConnections: peak.connections,
    peakSleeping: peak.sleeping,
    meanInFlight: hostMs / (doc.durationMs ?? run.wallMs),
  };
}

/**
 * Runs the sleep playbook on `hosts` test servers, and on the first of them alone as a baseline,
 * `rounds` times; prints the figures and returns the best round.
 */
export async function measureConcurrency(hosts = 50, rounds = 3): Promise<ConcurrencyRound> {
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'waptops-bench-hosts-'));
  const servers = await startServers(hosts);
  try {
    const inventory = path.join(tmp, 'inventory.yml');
    const [first] = await writeInventory(inventory, servers);
    const roots = new Set(servers.map((s) => s.pid));
    const env = { XDG_STATE_HOME: path.join(tmp, 'state') };
    const report = path.join(tmp, 'run.json');
    const args = ['run', PLAYBOOK, '-i', inventory];
    const results: ConcurrencyRound[] = [];
    const alone: ConcurrencyRound[] = [];
    for (let round = 0; round < rounds; round++) {
      alone.push(await runRound([...args, '--limit', first as string], report, roots, env));
      results.push(await runRound(args, report, roots, env));
    }
    const best = results.reduce((a, b) => (b.wallMs < a.wallMs ? b : a));
    const oneHostMs = summarise(alone.map((r) => r.wallMs)).min;
    const seconds = (values: number[]) =>
      spread(
        values.map((v) => v / 1000),
        's',
      );
    console.log(
      `  ${hosts} hosts (one test sshd each), one \`sleep 1\` step, default --forks, best of ${rounds} rounds`,
    );
    const counts = (pick: (r: ConcurrencyRound) => number) => results.map(pick).join(', ');
    const row = (label: string, figure: string) => console.log(`  ${label.padEnd(52)} ${figure}`);
    row('wall time, 1 host alone', `${ms(oneHostMs, 0)} (${seconds(alone.map((r) => r.wallMs))})`);
    row(`wall time, ${hosts} hosts`, `${ms(best.wallMs, 0)} (${seconds(results.map((r) => r.wallMs))})`);
    row('one host at a time would take at least', `${hosts} x 1 s of sleep = ${hosts} s`);
    row('hosts in flight on average (sum host times / run time)', best.meanInFlight.toFixed(1));
    row(
      'peak `sleep 1` running at once, per round',
      counts((r) => r.peakSleeping),
    );
    row(
      'peak SSH connections open at once, per round',
      counts((r) => r.peakConnections),
    );
    const peak = Math.max(...results.map((r) => r.peakConnections));
    console.log(
      verdict('hosts connected at once (peak)', `${peak} of ${hosts}`, `all ${hosts}`, peak === hosts),
    );
    return best;
  } finally {
    await stopServers(servers);
    await rm(tmp, { recursive: true, force: true });
  }
}
