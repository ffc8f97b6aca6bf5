// Read-only probes for `migration_preflight` (../migration-preflight.sh) and their parsers: the target device,
// the source tree, the new filesystem's content and space.
import type { Command } from '../../transport/command.js';
import { hostScript } from '../../transport/host-script.js';

const PROBES = new URL('../migration-preflight.sh', import.meta.url);

/** What the device probe learnt; never mounts anything. */
export interface DeviceProbe {
  exists: boolean;
  block: boolean;
  /** Symlinks resolved (`readlink -e`), e.g. /dev/sdb1 for /dev/disk/by-id/... */
  resolved: string;
  /** From `blkid -p` (low-level, no cache); null when there is no filesystem signature. */
  fstype: string | null;
  uuid: string | null;
  label: string | null;
  partuuid: string | null;
  size: number;
  /** The device and the devices it is made of (lsblk -s): a partition, then its disk. */
  chain: string[];
  /** Where the device or a partition/volume on it is mounted: `source target` pairs. */
  mounted: string[];
}

/** What the source probe learnt: attributes, size and what holds it. */
export interface SourceProbe {
  exists: boolean;
  owner: string;
  group: string;
  mode: string;
  /** SELinux context (`ls -Zd`), '' where there is none. */
  context: string;
  used: number;
  /** The mount holding the source (findmnt -T): its target, source and UUID. */
  mountTarget: string;
  mountUuid: string;
  /** Devices holding the source's mount and `/`, each with the devices they are made of. */
  sourceChain: string[];
  rootChain: string[];
  stamp: string;
}

/** The content of the device's filesystem, read without mounting it; null entries = could not tell. */
export interface ContentProbe {
  entries: string[] | null;
  free: number | null;
  /** Why entries or free could not be read (tool missing, unreadable filesystem). */
  problem: string;
}

function fields(stdout: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const line of stdout.split('\n')) {
    const at = line.indexOf('=');
    if (at <= 0) continue;
    const key = line.slice(0, at);
    out.set(key, [...(out.get(key) ?? []), line.slice(at + 1)]);
  }
  return out;
}

function one(map: Map<string, string[]>, key: string): string {
  return map.get(key)?.[0] ?? '';
}

/** Unescapes the `\x20` escapes of `findmnt -r` / `lsblk -r`. */
function unraw(text: string): string {
  return text.replace(/\\x([0-9a-fA-F]{2})/g, (_, hex: string) =>
    String.fromCharCode(Number.parseInt(hex, 16)),
  );
}

/** The device probe command: existence, type, identifiers from blkid, its lsblk chain and mounts. */
export function deviceProbeCommand(device: string): Command {
  return hostScript(PROBES, 'device', device);
}

/** Parses the device probe. */
export function parseDeviceProbe(stdout: string): DeviceProbe {
  const f = fields(stdout);
  const id = (k: string) => one(f, `blkid_${k}`) || null;
  return {
    exists: one(f, 'exists') === 'yes',
    block: one(f, 'block') === 'yes',
    resolved: one(f, 'resolved'),
    fstype: id('TYPE'),
    uuid: id('UUID'),
    label: id('LABEL'),
    partuuid: id('PART_ENTRY_UUID'),
    size: Number(one(f, 'size')) || 0,
    chain: (f.get('chain') ?? []).map(unraw),
    mounted: (f.get('mounted') ?? []).map(unraw),
  };
}

/** The source probe command: stat, SELinux context, du, the mount holding it, the devices under it and under /. */
export function sourceProbeCommand(source: string): Command {
  return hostScript(PROBES, 'source', source);
}

/** Parses the source probe. */
export function parseSourceProbe(stdout: string): SourceProbe {
  const f = fields(stdout);
  const [owner = '', group = '', mode = ''] = one(f, 'stat').split('|');
  const context = one(f, 'context');
  return {
    exists: one(f, 'exists') === 'yes',
    owner,
    group,
    mode: mode ? mode.padStart(4, '0') : '',
    context: context === '?' ? '' : context,
    used: Number(one(f, 'used')) || 0,
    mountTarget: unraw(one(f, 'mount_target')),
    mountUuid: one(f, 'mount_uuid'),
    sourceChain: (f.get('source_chain') ?? []).map(unraw),
    rootChain: (f.get('root_chain') ?? []).map(unraw),
    stamp: one(f, 'stamp'),
  };
}

/** Lists the root directory and free space of an unmounted ext4 or xfs filesystem (debugfs/dumpe2fs, xfs_db -r). */
export function contentProbeCommand(device: string, fstype: 'ext4' | 'xfs'): Command {
  return hostScript(PROBES, `content-${fstype}`, device);
}

/** Parses the content probe; entries leave out `.`, `..` and `lost+found`. */
export function parseContentProbe(stdout: string, fstype: 'ext4' | 'xfs'): ContentProbe {
  const f = fields(stdout);
  const problem = one(f, 'problem');
  if (problem) return { entries: null, free: null, problem };
  const listed = f.get('entry');
  let entries = listed ? listed.filter((n) => !['.', '..', 'lost+found'].includes(n)) : null;
  let free: number | null = null;
  if (fstype === 'ext4') {
    const blocks = one(f, 'free_blocks');
    const size = one(f, 'block_size');
    if (blocks && size) free = Number(blocks) * Number(size);
  } else {
    const [fd, bs, icount, ifree] = ['fdblocks', 'blocksize', 'icount', 'ifree'].map((k) => one(f, k));
    if (fd && bs) free = Number(fd) * Number(bs);
    // xfs_db without `ls` (xfsprogs < 5.5): a new filesystem uses 3 inodes (root dir, realtime bitmap and summary).
    if (!entries && icount && ifree)
      entries = Number(icount) - Number(ifree) <= 3 ? [] : ['(files: xfs_db cannot list them)'];
  }
  const missing = entries === null || free === null;
  return { entries, free, problem: missing ? `cannot read the ${fstype} filesystem on the device` : '' };
}
