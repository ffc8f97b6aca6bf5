// The pure decision of `migration_preflight`: from what the probes saw to "already migrated", a refusal, or the plan.
import { formatBytes } from '../../core/bytes.js';
import type { Plan } from '../types.js';
import { fstabEntries } from './fstab-edit.js';
import type { ContentProbe, DeviceProbe, SourceProbe } from './migrate-probe.js';

const TRIMMED = { trimZeros: true };

/** Everything the preflight read on the host (plain JSON: golden fixtures are this plus params). */
export interface PreflightState {
  device: DeviceProbe;
  source: SourceProbe;
  /** null when the device has no ext4/xfs filesystem to look into. */
  content: ContentProbe | null;
  fstab: string;
  /** `/dev/...` specs of fstab with their targets resolved (`readlink -e`; '' when missing). */
  fstabDevices: Record<string, string>;
  /** Units of `services` that exist, with whether they run now. */
  services: { name: string; running: boolean }[];
  /** SELinux mode (`enforcing`, `permissive`, `disabled`, `absent`). */
  selinux: string;
  /** A UUID drawn at read time for a filesystem still to be made (mkfs -U / -m uuid=), so fstab_line is known now. */
  newUuid: string;
}

/** The preflight's params as the decision needs them. */
export interface PreflightParams {
  source: string;
  device: string;
  format?: boolean;
  allow_nonempty?: boolean;
  fstype?: 'ext4' | 'xfs';
  services?: string[];
  allowed_root?: string;
}

/** Why the source may not be moved: a `..` in it, or outside the allowed root; undefined when it may. */
export function sourceOutsideRoot(source: string, root: string | undefined): string | undefined {
  if (source.split('/').some((part) => part === '.' || part === '..'))
    return `source ${source} has a . or .. in it; give the directory itself`;
  if (root === undefined || root === '/' || source === root || source.startsWith(`${root}/`))
    return undefined;
  return `source ${source} is outside ${root} (the web root that holds the repositories, var wapt_root): only ${root} or a folder in it is moved`;
}

const SUPPORTED = ['ext4', 'xfs'];
const MARGIN = 1.1;
const FORMAT_USABLE = 0.95;

interface FstabLine {
  line: string;
  spec: string;
  file: string;
}

function fstabLines(text: string): FstabLine[] {
  return fstabEntries(text).map(({ line, entry }) => ({ line, spec: entry.spec, file: entry.file }));
}

function namesDevice(entry: FstabLine, s: PreflightState): boolean {
  const [tag, value = ''] = entry.spec.split(/=(.*)/s);
  const d = s.device;
  const same = (a: string | null) => !!a && a.toLowerCase() === value.toLowerCase().replace(/^"|"$/g, '');
  if (tag === 'UUID') return same(d.uuid);
  if (tag === 'LABEL') return same(d.label);
  if (tag === 'PARTUUID') return same(d.partuuid);
  if (!entry.spec.startsWith('/dev/')) return false;
  const resolved = s.fstabDevices[entry.spec] ?? '';
  return resolved !== '' && resolved === d.resolved;
}

function alreadyMigrated(s: PreflightState, p: PreflightParams): boolean {
  const uuid = s.device.uuid?.toLowerCase();
  if (!uuid || !s.source.exists || s.source.mountTarget !== p.source) return false;
  if (s.source.mountUuid.toLowerCase() !== uuid) return false;
  return fstabLines(s.fstab).some((e) => e.file === p.source && e.spec.toLowerCase() === `uuid=${uuid}`);
}

function listed(names: string[]): string {
  const shown = names.slice(0, 5).join(', ');
  return names.length > 5 ? `${shown} (+${names.length - 5} more)` : shown;
}

/** The first reason to refuse the migration, or undefined. */
function refusal(s: PreflightState, p: PreflightParams): string | undefined {
  const { device: d, source: src } = s;
  const dev = p.device;
  const outside = sourceOutsideRoot(p.source, p.allowed_root);
  if (outside) return outside;
  if (!d.exists) return `device ${dev} does not exist; list the disks with lsblk and pass DEVICE=/dev/...`;
  if (!d.block) return `${dev} is not a block device; pass a disk partition or volume such as /dev/sdb1`;
  if (!src.exists)
    return `source ${p.source} does not exist or is not a directory; pass the repository's parent with -e source=...`;
  if (d.mounted.length > 0)
    return `${dev} is mounted (${d.mounted.join('; ')}); unmount it and remove it from /etc/fstab, or choose another device`;
  const inFstab = fstabLines(s.fstab).find((e) => namesDevice(e, s));
  if (inFstab)
    return `/etc/fstab already names ${dev}: "${inFstab.line}"; remove that line or choose another device`;
  const ours = new Set(d.chain.length > 0 ? [d.chain[0]] : [d.resolved]);
  if (src.rootChain.some((x) => ours.has(x)))
    return `${dev} holds / (the system disk); choose an empty disk or partition`;
  if (src.sourceChain.some((x) => ours.has(x)))
    return `${dev} holds ${p.source} itself; the repository must move to another disk`;
  if (!d.fstype && !p.format)
    return `${dev} has no filesystem; rerun with -e format=true to make one (${p.fstype ?? 'ext4'}; this erases ${dev})`;
  if (d.fstype && !SUPPORTED.includes(d.fstype))
    return `${dev} holds a ${d.fstype} filesystem, not ext4 or xfs; wipe it (wipefs -a ${dev}) and rerun with -e format=true, or choose another device`;
  const content = s.content;
  if (content?.entries === null && !p.allow_nonempty)
    return `cannot tell whether ${dev} is empty: ${content.problem}; install the tool or rerun with -e allow_nonempty=true`;
  if (content?.entries && content.entries.length > 0 && !p.allow_nonempty)
    return `${dev} is not empty (${listed(content.entries)}); choose an empty device or rerun with -e allow_nonempty=true`;
  const free = freeBytes(s, p);
  const needed = Math.ceil(src.used * MARGIN);
  if (free === null) return `cannot read the free space of ${dev}: ${content?.problem ?? 'unknown'}`;
  if (free < needed)
    return `${dev} has ${formatBytes(free, TRIMMED)} free but ${p.source} uses ${formatBytes(src.used, TRIMMED)} (${formatBytes(needed, TRIMMED)} needed with 10 % margin); choose a larger device`;
  return undefined;
}

function freeBytes(s: PreflightState, p: PreflightParams): number | null {
  if (!s.device.fstype && p.format) return Math.floor(s.device.size * FORMAT_USABLE);
  return s.content?.free ?? null;
}

/** Decides the preflight: migrated already, a one-line refusal, or `data` and the plan for the later steps. */
export function decidePreflight(s: PreflightState, p: PreflightParams): Plan {
  if (s.device.exists && s.device.block && alreadyMigrated(s, p)) {
    return {
      changes: [],
      reason: `already migrated: ${p.source} is mounted from ${p.device} (UUID=${s.device.uuid}) and /etc/fstab has its entry`,
      data: { migrated: true, source: p.source, device: p.device, uuid: s.device.uuid },
    };
  }
  const failed = refusal(s, p);
  if (failed) return { changes: [], failed };
  const formatting = !s.device.fstype;
  const fstype = formatting ? (p.fstype ?? 'ext4') : (s.device.fstype as string);
  const uuid = formatting ? s.newUuid : (s.device.uuid ?? '');
  const src = s.source;
  const backup = `${p.source}.pre-migrate-${src.stamp}`;
  const fstabLine = `UUID=${uuid} ${p.source.replace(/ /g, '\\040')} ${fstype} defaults 0 2`;
  const running = s.services.filter((x) => x.running).map((x) => x.name);
  const free = freeBytes(s, p) as number;
  const plan = [
    running.length > 0 ? `stop ${running.join(', ')}` : 'stop no service (none running)',
    ...(formatting ? [`make an ${fstype} filesystem with UUID ${uuid} on ${p.device} (erases it)`] : []),
    `mount ${p.device} on a private temporary mount point`,
    `copy ${p.source} (${formatBytes(src.used, TRIMMED)}) onto it, preserving owners, modes, times, hard links, ACLs and xattrs, and verify every file`,
    `unmount the temporary mount point`,
    `rename ${p.source} to ${backup} (kept until migrate-repo-finalize)`,
    `create the empty mount point ${p.source} (${src.owner}:${src.group} ${src.mode}${src.context ? ` ${src.context}` : ''})`,
    `back up /etc/fstab and add: ${fstabLine}`,
    `systemctl daemon-reload and mount ${p.source}`,
    ...(['enforcing', 'permissive'].includes(s.selinux) ? [`restorecon -R ${p.source}`] : []),
    running.length > 0 ? `start ${running.join(', ')}` : 'start no service',
    'check that nginx serves Packages again with the same bytes',
  ];
  const data = {
    migrated: false,
    source: p.source,
    device: p.device,
    uuid,
    fstype,
    format: formatting,
    used: src.used,
    free,
    empty: (s.content?.entries ?? []).length === 0,
    stamp: src.stamp,
    backup,
    owner: src.owner,
    group: src.group,
    mode: src.mode,
    context: src.context,
    fstab_line: fstabLine,
    services: running,
    plan,
  };
  const reason = `ready to move ${p.source} (${formatBytes(src.used, TRIMMED)}) onto ${p.device} (${fstype}${formatting ? ', to be made' : ''}, ${formatBytes(free, TRIMMED)} free): ${plan.map((step, i) => `${i + 1}. ${step}`).join('; ')}`;
  return { changes: [], reason, data };
}
