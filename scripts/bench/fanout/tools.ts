// The three tools of the fan-out benchmark, each run as its own process against the farm.
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Farm } from './farm.js';
import type { Relay } from './relay.js';

/** A tool the benchmark compares. */
export type ToolName = 'raw' | 'waptops' | 'ansible';

/** What one run of a tool shows. */
export interface ToolRun {
  wallMs: number;
  /** Peak RSS of the controller process in KiB (GNU time's %M); ansible: see treeRssKb. */
  rssKb: number;
  /** From spawn to the relay's first accepted connection. */
  firstConnectMs: number;
  /** Changes the tool reports over all hosts. */
  changed: number;
  /** Mean time of one read-only step on an open connection: waptops' JSON report, the raw script's own clock. */
  stepMeanMs?: number;
}

/** Files the tools read, written once per farm: inventories, known_hosts with the relay, host list. */
export interface ToolFiles {
  dir: string;
  inventory: string;
  ansibleInventory: string;
  rawHosts: string;
}

const HERE = 'scripts/bench/fanout';

/** Writes each tool's view of the farm; the first host is reached through `relay`. */
export async function writeToolFiles(dir: string, farm: Farm, relay: Relay): Promise<ToolFiles> {
  const knownHosts = path.join(dir, 'known_hosts');
  const first = farm.hosts[0];
  const trusted = await readFile(farm.knownHostsFile, 'utf8');
  const firstKey = trusted
    .split('\n')
    .find((line) => line.startsWith(`${first?.address} `))
    ?.split(' ')
    .slice(1)
    .join(' ');
  await writeFile(knownHosts, `${trusted}[127.0.0.1]:${relay.port} ${firstKey}\n`);
  const reach = farm.hosts.map((h) =>
    h === first ? { ...h, address: '127.0.0.1', port: relay.port } : { ...h, port: 22 },
  );
  const inventory = path.join(dir, 'waptops.yml');
  await writeFile(
    inventory,
    [
      'defaults:',
      `  user: ${farm.user}`,
      `  identity_file: ${farm.identityFile}`,
      `  known_hosts: ${knownHosts}`,
      '  connect_timeout: 60',
      'hosts:',
      ...reach.flatMap((h) => [`  ${h.name}:`, `    address: ${h.address}`, `    port: ${h.port}`]),
      '',
    ].join('\n'),
  );
  const ansibleInventory = path.join(dir, 'ansible-hosts.ini');
  await writeFile(
    ansibleInventory,
    [
      '[farm]',
      ...reach.map((h) => `${h.name} ansible_host=${h.address} ansible_port=${h.port}`),
      '',
      '[farm:vars]',
      `ansible_user=${farm.user}`,
      `ansible_ssh_private_key_file=${farm.identityFile}`,
      `ansible_ssh_common_args=-o UserKnownHostsFile=${knownHosts}`,
      '',
    ].join('\n'),
  );
  const rawHosts = path.join(dir, 'raw-hosts.json');
  await writeFile(
    rawHosts,
    JSON.stringify(
      reach.map((h) => ({
        address: h.address,
        port: h.port,
        user: farm.user,
        identityFile: farm.identityFile,
        knownHostsFile: knownHosts,
      })),
    ),
  );
  return { dir, inventory, ansibleInventory, rawHosts };
}

interface Timed {
  code: number;
  stdout: string;
  stderr: string;
  wallMs: number;
  rssKb: number;
  startedAt: bigint;
}

// Runs argv under GNU time (peak RSS to a file) and times it from spawn to exit.
async function timed(argv: string[], env: Record<string, string>, rssFile: string): Promise<Timed> {
  const startedAt = process.hrtime.bigint();
  const result = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      '/usr/bin/time',
      ['-f', '%M', '-o', rssFile, ...argv],
      { env: { ...process.env, ...env }, maxBuffer: 64 << 20 },
      (err, stdout, stderr) => {
        const code = err ? (err as { code?: unknown }).code : 0;
        resolve({ code: typeof code === 'number' ? code : 1, stdout, stderr });
      },
    );
  });
  const wallMs = Number(process.hrtime.bigint() - startedAt) / 1e6;
  const rssKb = Number((await readFile(rssFile, 'utf8')).trim().split('\n').pop());
  return { ...result, wallMs, rssKb, startedAt };
}

function failed(tool: ToolName, run: Timed): Error {
  return new Error(`${tool} exited ${run.code}\n${run.stdout.slice(-2000)}${run.stderr.slice(-2000)}`);
}

function firstConnect(run: Timed, relay: Relay): number {
  const at = relay.firstAt();
  if (at === undefined) throw new Error('the first host was never connected to');
  return Number(at - run.startedAt) / 1e6;
}

/** Runs one tool once over the whole farm (`forks` = the host count). */
export async function runTool(
  tool: ToolName,
  files: ToolFiles,
  relay: Relay,
  forks: number,
): Promise<ToolRun> {
  relay.rearm();
  const rssFile = path.join(files.dir, `${tool}.rss`);
  if (tool === 'raw') {
    const run = await timed([process.execPath, `dist/${HERE}/raw-ssh2.js`, files.rawHosts], {}, rssFile);
    if (run.code !== 0) throw failed(tool, run);
    const out = JSON.parse(run.stdout) as { changed: number; commandMeanMs: number };
    return {
      wallMs: run.wallMs,
      rssKb: run.rssKb,
      firstConnectMs: firstConnect(run, relay),
      changed: out.changed,
      stepMeanMs: out.commandMeanMs,
    };
  }
  if (tool === 'waptops') {
    const report = path.join(files.dir, 'waptops.json');
    const argv = [process.execPath, 'dist/bin/waptops.js', 'run', `${HERE}/five-steps.yml`];
    argv.push('-i', files.inventory, '--forks', String(forks), '--json', report);
    const run = await timed(argv, { CI: 'true' }, rssFile);
    if (run.code !== 0) throw failed(tool, run);
    const json = JSON.parse(await readFile(report, 'utf8')) as WaptopsReport;
    const hosts = Object.values(json.hosts);
    const changed = hosts.reduce((n, h) => n + h.recap.changed, 0);
    const steps = hosts.flatMap((h) =>
      h.steps.filter((s) => s.name !== 'set the ini key' && s.name !== 'write the small file'),
    );
    const stepMeanMs = steps.reduce((n, s) => n + s.durationMs, 0) / steps.length;
    return {
      wallMs: run.wallMs,
      rssKb: run.rssKb,
      firstConnectMs: firstConnect(run, relay),
      changed,
      stepMeanMs,
    };
  }
  const argv = ['ansible-playbook', '-i', files.ansibleInventory, `${HERE}/five-steps.ansible.yml`];
  const env = {
    ANSIBLE_CONFIG: `${HERE}/ansible.cfg`,
    ANSIBLE_FORKS: String(forks),
    ANSIBLE_HOME: path.join(files.dir, 'ansible-home'),
    ANSIBLE_LOCAL_TEMP: path.join(files.dir, 'ansible-tmp'),
    ANSIBLE_SSH_CONTROL_PATH_DIR: path.join(files.dir, 'cp'),
    ANSIBLE_NOCOLOR: '1',
  };
  const run = await timed(argv, env, rssFile);
  // The ControlPersist masters of this run must not serve the next one.
  await new Promise((r) => execFile('pkill', ['-f', env.ANSIBLE_SSH_CONTROL_PATH_DIR], r));
  if (run.code !== 0) throw failed(tool, run);
  const changed = [...run.stdout.matchAll(/ changed=(\d+)/g)].reduce((n, m) => n + Number(m[1]), 0);
  return { wallMs: run.wallMs, rssKb: run.rssKb, firstConnectMs: firstConnect(run, relay), changed };
}

/** The part of waptops' `--json` report the benchmark reads. */
interface WaptopsReport {
  hosts: Record<string, { recap: { changed: number }; steps: { name: string; durationMs: number }[] }>;
}
