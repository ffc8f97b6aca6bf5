// The lab's fixed layout: directories, network, hosts and the root filesystem recipe.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the lab keeps its state: client key, known_hosts, state file, host overlays, logs. */
export const STATE_DIR = process.env.WAPTOPS_LAB_STATE_DIR ?? '/var/lib/waptops-lab';
/** Where cached root filesystems live, one directory per recipe hash. */
export const CACHE_DIR = process.env.WAPTOPS_LAB_CACHE_DIR ?? '/var/cache/waptops-lab';
/** The repository root (scripts/lab/config.ts or dist/scripts/lab/config.js are three or four levels down). */
export const REPO_ROOT = findRepoRoot(path.dirname(fileURLToPath(import.meta.url)));
/** Files installed into every host image (stand-ins, units, setup scripts). */
export const ROOTFS_FILES = path.join(REPO_ROOT, 'scripts/lab/rootfs/base');
/** The wrapper that starts a host's systemd-nspawn in cgroups of its own (see cgroup.ts). */
export const BOOT_WRAPPER = path.join(REPO_ROOT, 'scripts/lab/boot-in-cgroups.sh');
/** The generated inventory the engine and tests read. */
export const INVENTORY_FILE = path.join(REPO_ROOT, 'inventory/lab.yml');

/** The controller-side bridge every host's veth joins. */
export const BRIDGE = { name: 'wlab0', address: '198.18.0.1', prefix: 24 } as const;

/** Which distribution family a lab host presents. */
export type LabRole = 'debian' | 'rhel';

/** One lab host: its name, role, address (198.18.0.0/15 only) and the names of what the lab creates for it. */
export interface LabHost {
  name: string;
  role: LabRole;
  address: string;
  fqdn: string;
  netns: string;
  veth: string;
}

function labHost(name: string, role: LabRole, address: string): LabHost {
  return { name, role, address, fqdn: `${name}.wapt.lab`, netns: `wlab-${name}`, veth: `wlab-${name}` };
}

/** The hosts lab-up boots. */
export const LAB_HOSTS: readonly LabHost[] = [
  labHost('deb1', 'debian', '198.18.0.11'),
  labHost('rhel1', 'rhel', '198.18.0.12'),
];

/**
 * Debian packages of the base image (mmdebstrap uses this machine's apt sources: no mirror is named).
 * No rsync: the runbooks must not depend on it (migrate-repo copies with what every server has).
 */
export const BASE_PACKAGES = [
  'systemd',
  'systemd-sysv',
  'dbus',
  'openssh-server',
  'nginx',
  'sudo',
  'python3',
  'python3-passlib',
  'openssl',
  'ca-certificates',
  'curl',
  'procps',
  'acl',
  'attr',
  'nftables',
  'iproute2',
  'e2fsprogs',
  'xfsprogs',
  'zip',
  'unzip',
  'less',
];

/** Size of each host's spare block device. */
export const SPARE_SIZE_MIB = Number(process.env.WAPTOPS_LAB_SPARE_MIB ?? 1024);

/** Paths of one host's files under the state directory. */
export function hostPaths(host: LabHost) {
  const dir = path.join(STATE_DIR, 'hosts', host.name);
  return {
    dir,
    /** The host's upper layer as setup-host.sh left it (users, host key, certificate, repository), made once per lab-up. */
    pristine: path.join(dir, 'pristine'),
    /** The running host's upper layer: a copy of `pristine`, thrown away and copied again by each reset. */
    upper: path.join(dir, 'upper'),
    work: path.join(dir, 'work'),
    merged: path.join(dir, 'rootfs'),
    spareImage: path.join(dir, 'spare.img'),
    log: path.join(dir, 'nspawn.log'),
  };
}

/** Paths of the lab-wide generated files. */
export const LAB_FILES = {
  clientKey: path.join(STATE_DIR, 'id_ed25519'),
  knownHosts: path.join(STATE_DIR, 'known_hosts'),
  adminPassword: path.join(STATE_DIR, 'admin-password'),
  state: path.join(STATE_DIR, 'state.json'),
  /** A hosts(5) file naming every lab host (`deb1.wapt.lab`, ...): tests bind it over /etc/hosts in a mount namespace of their own. */
  names: path.join(STATE_DIR, 'names.hosts'),
};

function findRepoRoot(start: string): string {
  let dir = start;
  while (path.basename(dir) !== 'scripts') dir = path.dirname(dir);
  const parent = path.dirname(dir);
  return path.basename(parent) === 'dist' ? path.dirname(parent) : parent;
}
