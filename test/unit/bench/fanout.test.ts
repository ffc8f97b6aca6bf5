// The fan-out benchmark's hosts and tools, end to end on 3 farm hosts: each host its own network namespace,
// run lock and data directory; the three tools do the same work (2 changes per host, then none).
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fanoutOptions } from '../../../scripts/bench/fanout/fanout.js';
import { fanoutMarkdown, targetChecks } from '../../../scripts/bench/fanout/fanout-report.js';
import {
  FARM_DATA,
  type Farm,
  farmAddress,
  SEED_INI,
  startFarm,
} from '../../../scripts/bench/fanout/farm.js';
import { type Relay, startRelay } from '../../../scripts/bench/fanout/relay.js';
import {
  runTool,
  type ToolFiles,
  type ToolName,
  writeToolFiles,
} from '../../../scripts/bench/fanout/tools.js';

const exec = promisify(execFile);
let farm: Farm;
let relay: Relay;
let files: ToolFiles;
let dir: string;

/** Runs `script` as the farm user on farm host `i` (1-based) with OpenSSH. */
function onHost(i: number, script: string) {
  return exec('ssh', [
    '-i',
    farm.identityFile,
    '-o',
    `UserKnownHostsFile=${farm.knownHostsFile}`,
    '-o',
    'StrictHostKeyChecking=yes',
    '-o',
    'BatchMode=yes',
    `${farm.user}@${farmAddress(i)}`,
    script,
  ]);
}

beforeAll(async () => {
  farm = await startFarm(3);
  relay = await startRelay(farm.hosts[0]?.address as string);
  dir = await mkdtemp(path.join(os.tmpdir(), 'waptops-fanout-test-'));
  files = await writeToolFiles(dir, farm, relay);
});

afterAll(async () => {
  await relay?.close();
  await farm?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('the fan-out benchmark', () => {
  it('gives each host its own address, unprivileged login, /run/lock and data directory', async () => {
    const ids = await Promise.all(
      [1, 2, 3].map((i) => onHost(i, `id -un; ip -4 -o addr show eth0; cat ${FARM_DATA}/app.ini`)),
    );
    ids.forEach((r, i) => {
      expect(r.stdout).toMatch(new RegExp(`^${farm.user}\\n`));
      expect(r.stdout).toContain(`inet ${farmAddress(i + 1)}/16`);
      expect(r.stdout).toContain(SEED_INI);
    });
    await onHost(1, `echo one > ${FARM_DATA}/only-here; : > /run/lock/only-here`);
    const other = await onHost(2, `ls ${FARM_DATA} /run/lock`);
    expect(other.stdout).not.toContain('only-here');
    // The controller's own /run/lock is not the hosts' either.
    await expect(readFile('/run/lock/only-here')).rejects.toThrow();
    await farm.reset();
    expect((await onHost(1, `ls ${FARM_DATA}`)).stdout.trim()).toBe('app.ini');
  });

  it.each(['raw', 'waptops', 'ansible'] as ToolName[])(
    '%s: changes the ini key and the file on each host once',
    async (tool) => {
      await farm.reset();
      const first = await runTool(tool, files, relay, 3);
      const second = await runTool(tool, files, relay, 3);
      expect([first.changed, second.changed]).toEqual([6, 0]);
      expect(first.firstConnectMs).toBeGreaterThan(0);
      expect(first.firstConnectMs).toBeLessThan(first.wallMs);
      expect(first.rssKb).toBeGreaterThan(10_000);
      const ini = await onHost(3, `cat ${FARM_DATA}/app.ini ${FARM_DATA}/motd.txt`);
      // Each tool may put the new key before or after the existing one, inside [global].
      expect(ini.stdout).toMatch(/^\[global\]\n(?:name = bench\ntuned = yes|tuned = yes\nname = bench)\n/);
      expect(ini.stdout).toContain('managed by the fan-out benchmark\n');
    },
  );

  it('reads its options from the environment and refuses bad ones in one line', () => {
    expect(fanoutOptions({})).toEqual({
      sizes: [10, 50, 100, 250],
      rounds: 3,
      tools: ['raw', 'waptops', 'ansible'],
    });
    expect(fanoutOptions({ BENCH_SIZES: '2,4', BENCH_ROUNDS: '1', BENCH_TOOLS: 'raw' })).toEqual({
      sizes: [2, 4],
      rounds: 1,
      tools: ['raw'],
    });
    expect(() => fanoutOptions({ BENCH_SIZES: '0' })).toThrow(/BENCH_SIZES/);
    expect(() => fanoutOptions({ BENCH_TOOLS: 'chef' })).toThrow(/unknown chef/);
  });

  it('prints the ratios and says which targets a set of figures meets or misses', async () => {
    const run = (wallMs: number, rssKb = 100_000, firstConnectMs = 80) => ({
      wallMs,
      rssKb,
      firstConnectMs,
      changed: 0,
    });
    const size = (hosts: number, raw: number, waptops: number, ansible: number) => ({
      hosts,
      runs: {
        raw: { first: [run(raw)], second: [run(raw)] },
        waptops: { first: [run(waptops)], second: [run(waptops, 160 * 1024, 150)] },
        ansible: { first: [run(ansible)], second: [run(ansible)] },
      },
    });
    const sizes = [size(50, 1000, 1100, 20_000), size(250, 4000, 5600, 90_000)];
    const checks = targetChecks(sizes);
    const verdict = (what: RegExp) => checks.find((c) => what.test(c.what))?.meets;
    expect(verdict(/^50 hosts, first run: waptops \/ raw/)).toBe(true);
    expect(verdict(/^250 hosts, first run: waptops \/ raw <= 1.3x/)).toBe(false);
    expect(verdict(/^50 hosts: ansible-playbook \/ waptops >= 15x/)).toBe(true);
    expect(verdict(/^50 hosts: waptops' first connection/)).toBe(false);
    expect(verdict(/^250 hosts: waptops peak RSS/)).toBe(false);
    const text = fanoutMarkdown(sizes, 1);
    expect(text).toContain(
      'waptops / raw: 1.10x first, 1.10x second; ansible-playbook / waptops: 18.18x first',
    );
    expect(text).toContain('| 250 hosts, first run: waptops / raw <= 1.3x | 1.40x | **misses** |');
    await writeFile(path.join(dir, 'figures.md'), text);
  });
});
