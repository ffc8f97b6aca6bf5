// The fan-out benchmark's hosts: one sshd per network namespace on a bridge (198.19.0.0/16), no systemd.
import { execFile, spawn } from 'node:child_process';
import { chown, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);

/** The unprivileged login user of every benchmark host, with a home of its own and nothing in it. */
export const FARM_USER = 'waptops-bench';
/** Where the farm keeps keys, per-host data and pid files (removed by stop). */
export const FARM_ROOT = '/var/lib/waptops-bench';
/** Mount point of each host's own data directory, inside the host's mount namespace. */
export const FARM_DATA = '/srv/waptops-bench';
/** The INI file each host starts with before every measured run. */
export const SEED_INI = '[global]\nname = bench\n';

const BRIDGE = { name: 'wob0', address: '198.19.0.1', prefix: 16 };
const NETNS_PREFIX = 'wob-';
const HOST_SCRIPT = path.resolve('scripts/bench/fanout/farm-host.sh');

/** One benchmark host. */
export interface FarmHost {
  name: string;
  address: string;
  /** Directory bind-mounted at FARM_DATA on this host. */
  dataDir: string;
}

/** A running farm and what a client needs to reach it. */
export interface Farm {
  hosts: FarmHost[];
  user: string;
  identityFile: string;
  /** Trusts every host's key under its address. */
  knownHostsFile: string;
  /** Empties every host's data directory and writes SEED_INI there (before a first run). */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

/** The address of host `i` (1-based): 198.19.X.Y, 200 hosts per X. */
export function farmAddress(i: number): string {
  return `198.19.${1 + Math.floor((i - 1) / 200)}.${10 + ((i - 1) % 200)}`;
}

/** The name of host `i` (1-based), e.g. b007. */
export function farmHostName(i: number): string {
  return `b${String(i).padStart(3, '0')}`;
}

function ipBatch(lines: string[], netns?: string): Promise<void> {
  const args = [...(netns ? ['-n', netns] : []), '-batch', '-'];
  return new Promise((resolve, reject) => {
    const proc = spawn('ip', args, { stdio: ['pipe', 'ignore', 'pipe'] });
    let err = '';
    proc.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    proc.on('error', reject);
    proc.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`ip ${args.join(' ')} failed: ${err.trim()}`)),
    );
    proc.stdin.end(`${lines.join('\n')}\n`);
  });
}

async function ensureUser(): Promise<{ uid: number; gid: number }> {
  const home = path.join(FARM_ROOT, 'home');
  await exec('id', ['-u', FARM_USER]).catch(() =>
    exec('useradd', ['--home-dir', home, '--shell', '/bin/sh', '--no-create-home', FARM_USER]),
  );
  await exec('usermod', ['-p', '*', '--home', home, FARM_USER]);
  const uid = Number((await exec('id', ['-u', FARM_USER])).stdout.trim());
  const gid = Number((await exec('id', ['-g', FARM_USER])).stdout.trim());
  await mkdir(home, { recursive: true, mode: 0o755 });
  await chown(home, uid, gid);
  return { uid, gid };
}

/** Stops what a farm (this one or a crashed earlier one) left: sshd, namespaces, links, files. */
export async function removeFarm(): Promise<void> {
  await exec('pkill', ['-f', `PidFile=${FARM_ROOT}/`]).catch(() => undefined);
  const namespaces = (await exec('ip', ['netns', 'list'])).stdout
    .split('\n')
    .map((line) => line.split(' ')[0] ?? '')
    .filter((name) => name.startsWith(NETNS_PREFIX));
  if (namespaces.length > 0) await ipBatch(namespaces.map((ns) => `netns delete ${ns}`));
  await exec('ip', ['link', 'delete', BRIDGE.name]).catch(() => undefined);
  await rm(FARM_ROOT, { recursive: true, force: true });
}

async function inBatches<T>(items: T[], size: number, each: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(each));
}

/** Starts `count` hosts (removing any earlier farm first); needs root, iproute2 and openssh-server. */
export async function startFarm(count: number): Promise<Farm> {
  if (process.getuid?.() !== 0) throw new Error('the benchmark hosts need root (network namespaces, sshd)');
  await removeFarm();
  const { uid, gid } = await ensureUser();
  await mkdir(path.join(FARM_ROOT, 'hosts'), { recursive: true });
  await mkdir(FARM_DATA, { recursive: true });
  await mkdir('/run/sshd', { recursive: true, mode: 0o755 });
  const identityFile = path.join(FARM_ROOT, 'client_ed25519');
  const authorizedKeys = path.join(FARM_ROOT, 'authorized_keys');
  await writeFile(authorizedKeys, `${await newKey(identityFile)}\n`, { mode: 0o644 });
  const config = path.join(FARM_ROOT, 'sshd_config');
  await writeFile(config, sshdConfig(authorizedKeys));
  const hosts: FarmHost[] = Array.from({ length: count }, (_, i) => ({
    name: farmHostName(i + 1),
    address: farmAddress(i + 1),
    dataDir: path.join(FARM_ROOT, 'hosts', farmHostName(i + 1)),
  }));
  const keys = new Map<FarmHost, string>();
  await inBatches(hosts, 10, async (h) => {
    await mkdir(h.dataDir);
    await chown(h.dataDir, uid, gid);
    keys.set(h, await newKey(path.join(FARM_ROOT, 'hosts', `${h.name}.key`)));
  });
  const knownHosts = hosts.map((h) => `${h.address} ${keys.get(h)}`);
  const knownHostsFile = path.join(FARM_ROOT, 'known_hosts');
  await writeFile(knownHostsFile, `${knownHosts.join('\n')}\n`);
  const farm: Farm = {
    hosts,
    user: FARM_USER,
    identityFile,
    knownHostsFile,
    reset: () => inBatches(hosts, 50, (h) => seedHost(h, uid, gid)),
    stop: removeFarm,
  };
  try {
    await createNetwork(hosts);
    await inBatches(hosts, 10, startHostSshd);
    await farm.reset();
    return farm;
  } catch (e) {
    await removeFarm();
    throw e;
  }
}

/** Makes an ed25519 key pair with ssh-keygen at `file`; returns the public key as `type base64`. */
async function newKey(file: string): Promise<string> {
  await exec('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'waptops-bench', '-f', file]);
  return (await readFile(`${file}.pub`, 'utf8')).trim().split(/\s+/).slice(0, 2).join(' ');
}

function sshdConfig(authorizedKeys: string): string {
  return [
    'Port 22',
    `AuthorizedKeysFile ${authorizedKeys}`,
    'StrictModes no',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'UsePAM no',
    'PermitRootLogin no',
    `AllowUsers ${FARM_USER}`,
    'MaxSessions 64',
    'MaxStartups 200:30:400',
    'PrintMotd no',
    'LogLevel ERROR',
    'Subsystem sftp internal-sftp',
    '',
  ].join('\n');
}

async function createNetwork(hosts: FarmHost[]): Promise<void> {
  await ipBatch([
    `link add ${BRIDGE.name} type bridge`,
    `addr add ${BRIDGE.address}/${BRIDGE.prefix} dev ${BRIDGE.name}`,
    `link set ${BRIDGE.name} up`,
    ...hosts.flatMap((h) => [
      `netns add ${NETNS_PREFIX}${h.name}`,
      `link add wobh-${h.name} type veth peer name eth0 netns ${NETNS_PREFIX}${h.name}`,
      `link set wobh-${h.name} master ${BRIDGE.name} up`,
    ]),
  ]);
  await inBatches(hosts, 10, (h) =>
    ipBatch(
      [`addr add ${h.address}/${BRIDGE.prefix} dev eth0`, 'link set lo up', 'link set eth0 up'],
      `${NETNS_PREFIX}${h.name}`,
    ),
  );
}

async function startHostSshd(h: FarmHost): Promise<void> {
  const root = FARM_ROOT;
  await exec('ip', [
    'netns',
    'exec',
    `${NETNS_PREFIX}${h.name}`,
    'sh',
    HOST_SCRIPT,
    h.dataDir,
    '-f',
    path.join(root, 'sshd_config'),
    '-o',
    `ListenAddress=${h.address}`,
    '-o',
    `HostKey=${path.join(root, 'hosts', `${h.name}.key`)}`,
    '-o',
    `PidFile=${path.join(root, 'hosts', `${h.name}.pid`)}`,
  ]);
}

// The data directory is bind-mounted into the host: it is emptied, never replaced.
async function seedHost(h: FarmHost, uid: number, gid: number): Promise<void> {
  for (const entry of await readdir(h.dataDir)) await rm(path.join(h.dataDir, entry), { recursive: true });
  const ini = path.join(h.dataDir, 'app.ini');
  await writeFile(ini, SEED_INI);
  await chown(ini, uid, gid);
}
