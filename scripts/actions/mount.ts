// The `mount` action: a filesystem mounted (or not) at a path now, compared by UUID or resolved device.
import { Type } from '@sinclair/typebox';
import { type MountEntry, mountsFact } from '../facts/mounts.js';
import { type PathInfo, pathFact } from '../facts/path.js';
import { argv, type Command, sh } from '../transport/command.js';
import { isEmptyDirectory } from './lib/file-attributes.js';
import { normalizeMountPoint } from './lib/fstab-edit.js';
import { type ActionContext, type Change, defineAction, type Plan } from './types.js';

const mountSchema = Type.Object(
  {
    path: Type.String({ pattern: '^/', description: 'Mount point' }),
    src: Type.Optional(
      Type.String({
        pattern: '^[^-\\s]\\S*$',
        description: 'What to mount: UUID=..., LABEL=..., PARTUUID=..., a /dev path, or e.g. server:/export',
      }),
    ),
    fstype: Type.Optional(
      Type.String({ pattern: '^[a-z0-9._]+$', description: 'Filesystem type (mount -t)' }),
    ),
    opts: Type.Optional(Type.String({ pattern: '^\\S+$', description: 'Mount options (mount -o)' })),
    state: Type.Optional(
      Type.Union([Type.Literal('mounted'), Type.Literal('unmounted')], {
        default: 'mounted',
        description: 'mounted now, or unmounted now (fstab is the fstab action)',
      }),
    ),
    allow_nonempty: Type.Optional(
      Type.Boolean({
        default: false,
        description: 'Mount even over a directory that has files (they get hidden)',
      }),
    ),
  },
  { additionalProperties: false },
);

/** A mount at the path, with its source resolved to a device path (null when not a device). */
export interface MountedHere extends MountEntry {
  device: string | null;
}

/** What `mount` reads: the mounts stacked at the path (top last), the mount point, the resolved source. */
export interface MountState {
  mounts: MountedHere[];
  info: PathInfo;
  empty: boolean;
  /** The device `src` names (findfs for UUID=/LABEL=/PARTUUID=), symlinks resolved; null if none. */
  srcDevice: string | null;
}

const TAG = /^(UUID|LABEL|PARTUUID|PARTLABEL)=/;

async function resolveDevice(ctx: ActionContext, src: string): Promise<string | null> {
  const bare = src.replace(/\[.*\]$/, '');
  let cmd: Command;
  if (TAG.test(bare)) cmd = sh`d=$(findfs ${bare}) && readlink -e -- "$d"`;
  else if (bare.startsWith('/dev/')) cmd = sh`readlink -e -- ${bare}`;
  else return null;
  const r = await ctx.run(cmd);
  return r.code === 0 && r.stdout.trim() !== '' ? r.stdout.trim() : null;
}

function sameSource(m: MountedHere, src: string, srcDevice: string | null): boolean {
  const uuid = /^UUID=(.+)$/.exec(src)?.[1];
  if (uuid && m.uuid && uuid.toLowerCase() === m.uuid.toLowerCase()) return true;
  if (srcDevice && m.device) return srcDevice === m.device;
  return m.source === src;
}

function mountCommand(src: string, path: string, fstype?: string, opts?: string): Command {
  return argv('mount', ...(fstype ? ['-t', fstype] : []), ...(opts ? ['-o', opts] : []), src, path);
}

function planMounted(
  state: MountState,
  p: { path: string; src?: string; fstype?: string; opts?: string; allow_nonempty?: boolean },
): Plan {
  const { path } = p;
  const src = p.src;
  if (!src) return { changes: [], failed: 'state mounted needs src' };
  const top = state.mounts[state.mounts.length - 1];
  if (top) {
    if (sameSource(top, src, state.srcDevice))
      return { changes: [], reason: `already mounted from ${top.source}` };
    return {
      changes: [],
      failed: `${path} is already mounted from ${top.source} (${top.fstype}), not ${src}; unmount it first or choose another mount point`,
    };
  }
  if (TAG.test(src) && !state.srcDevice)
    return { changes: [], failed: `no filesystem found for ${src} (findfs)` };
  if (src.startsWith('/dev/') && !state.srcDevice) return { changes: [], failed: `${src} does not exist` };
  const { info } = state;
  const commands: Command[] = [];
  const undo: Command[] = [sh`umount ${path}`];
  if (!info.exists) {
    commands.push(sh`mkdir -p -- ${path}`);
    undo.push(sh`rmdir -- ${path}`);
  } else if (info.type !== 'directory') {
    return { changes: [], failed: `${path} is a ${info.type}, not a directory` };
  } else if (!state.empty && !p.allow_nonempty) {
    return {
      changes: [],
      failed: `refusing to mount over non-empty directory ${path} (its files would be hidden); move them away or set allow_nonempty: true`,
    };
  }
  commands.push(mountCommand(src, path, p.fstype, p.opts));
  return { changes: [{ summary: `mount ${src} on ${path}`, commands, undo }] };
}

function planUnmounted(state: MountState, path: string): Plan {
  if (state.mounts.length === 0) return { changes: [], reason: 'not mounted' };
  const changes: Change[] = [...state.mounts].reverse().map((m) => ({
    summary: `unmount ${m.source} from ${path}`,
    commands: [sh`umount ${path}`],
    undo: [mountCommand(m.source.replace(/\[.*\]$/, ''), path, m.fstype, m.options)],
  }));
  return { changes };
}

/** Mounts a filesystem at a path now, or unmounts it; refuses surprising cases with a clear message. */
export const mountAction = defineAction({
  name: 'mount',
  description:
    'Mount a filesystem now (same source = no-op; refuses a busy or non-empty mount point), or unmount it.',
  schema: mountSchema,
  async read(ctx, params): Promise<MountState> {
    const path = normalizeMountPoint(params.path);
    const all = await ctx.fact(mountsFact);
    const mounts: MountedHere[] = [];
    for (const m of all.filter((e) => e.target === path))
      mounts.push({ ...m, device: await resolveDevice(ctx, m.source) });
    const info = await ctx.fact(pathFact(path));
    const empty = info.type === 'directory' && mounts.length === 0 ? await isEmptyDirectory(ctx, path) : true;
    const srcDevice = params.src ? await resolveDevice(ctx, params.src) : null;
    return { mounts, info, empty, srcDevice };
  },
  plan(state, params): Plan {
    const path = normalizeMountPoint(params.path);
    if ((params.state ?? 'mounted') === 'unmounted') return planUnmounted(state, path);
    return planMounted(state, { ...params, path });
  },
});
