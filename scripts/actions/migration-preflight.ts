// The `migration_preflight` probe: can the repository move onto this device, and exactly how (read-only, runs in --check).
import { randomUUID } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import { selinuxFact } from '../facts/selinux.js';
import { serviceFact, unitIsRunning } from '../facts/systemd.js';
import { sh } from '../transport/command.js';
import { fstabEntries } from './lib/fstab-edit.js';
import { decidePreflight, type PreflightState } from './lib/migrate-decide.js';
import {
  type ContentProbe,
  contentProbeCommand,
  deviceProbeCommand,
  parseContentProbe,
  parseDeviceProbe,
  parseSourceProbe,
  sourceProbeCommand,
} from './lib/migrate-probe.js';
import { type ActionContext, defineAction } from './types.js';

const preflightSchema = Type.Object(
  {
    source: Type.String({
      pattern: '^/.*[^/]$',
      description: 'Directory to move: /var/www (Debian) or /var/www/html (RHEL)',
    }),
    device: Type.String({
      pattern: '^/dev/[A-Za-z0-9._+:/@-]+$',
      description: 'Target block device, e.g. /dev/sdb1 or /dev/disk/by-id/...',
    }),
    format: Type.Optional(
      Type.Boolean({ default: false, description: 'Make a filesystem when the device has none' }),
    ),
    fstype: Type.Optional(
      Type.Union([Type.Literal('ext4'), Type.Literal('xfs')], {
        default: 'ext4',
        description: 'Filesystem to make when format is true',
      }),
    ),
    allow_nonempty: Type.Optional(
      Type.Boolean({ default: false, description: 'Accept a filesystem that already holds files' }),
    ),
    allowed_root: Type.Optional(
      Type.String({
        pattern: '^/.*[^/]$|^/$',
        description: 'The source must be this directory or lie inside it (e.g. the web root, /var/www)',
      }),
    ),
    services: Type.Optional(
      Type.Array(Type.String({ pattern: '^[A-Za-z0-9_@.:-]+$' }), {
        default: ['nginx', 'waptserver', 'wapttasks'],
        description: 'Units that write the repository (stopped during the copy)',
      }),
    ),
  },
  { additionalProperties: false },
);

async function readContent(
  ctx: ActionContext,
  device: string,
  fstype: string | null,
): Promise<ContentProbe | null> {
  if (fstype !== 'ext4' && fstype !== 'xfs') return null;
  const r = await ctx.run(contentProbeCommand(device, fstype));
  return parseContentProbe(r.stdout, fstype);
}

/** Resolves every `/dev/...` first field of fstab (readlink -e), so by-id and mapper names compare as devices. */
async function resolveFstabDevices(ctx: ActionContext, fstab: string): Promise<Record<string, string>> {
  const specs = [
    ...new Set(
      fstabEntries(fstab)
        .map(({ entry }) => entry.spec)
        .filter((spec) => spec.startsWith('/dev/')),
    ),
  ];
  if (specs.length === 0) return {};
  const r = await ctx.run(sh`for p in ${specs}; do printf '%s\n' "$(readlink -e -- "$p")"; done`);
  const lines = r.stdout.split('\n');
  return Object.fromEntries(specs.map((spec, i) => [spec, lines[i] ?? '']));
}

/** Checks device, source, space and services before a repository migration; `data` feeds every later step. */
export const migrationPreflightAction = defineAction({
  name: 'migration_preflight',
  description:
    'Read-only checks before moving a directory onto a new device (exists, block, unmounted, not in fstab, not the system disk, filesystem, empty, space) and the full plan',
  schema: preflightSchema,
  probe: true,
  async read(ctx, params): Promise<PreflightState> {
    const device = parseDeviceProbe((await ctx.run(deviceProbeCommand(params.device))).stdout);
    const source = parseSourceProbe((await ctx.run(sourceProbeCommand(params.source))).stdout);
    const content = device.block ? await readContent(ctx, params.device, device.fstype) : null;
    const fstab = (await ctx.readFile('/etc/fstab'))?.toString('utf8') ?? '';
    const services: PreflightState['services'] = [];
    for (const name of params.services ?? ['nginx', 'waptserver', 'wapttasks']) {
      const unit = await ctx.fact(serviceFact(name));
      if (unit.loadState !== 'not-found') services.push({ name, running: unitIsRunning(unit) });
    }
    return {
      device,
      source,
      content,
      fstab,
      fstabDevices: await resolveFstabDevices(ctx, fstab),
      services,
      selinux: await ctx.fact(selinuxFact),
      newUuid: randomUUID(),
    };
  },
  plan: (state, params) => decidePreflight(state, params),
});
