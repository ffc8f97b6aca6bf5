// Block devices from `lsblk -J` (disks, partitions, LVM volumes), flattened from its tree.
import { raw } from '../transport/command.js';
import { jsonNumber, jsonString, parseJson, requireSuccess } from './parse.js';
import type { Fact } from './types.js';

/** One block device; `parent` and `children` are device paths. */
export interface BlockDevice {
  name: string;
  path: string;
  /** `disk`, `part`, `lvm`, `crypt`, `rom`, `loop`, ... */
  type: string;
  size: number | null;
  fstype: string | null;
  uuid: string | null;
  mountpoints: string[];
  parent: string | null;
  children: string[];
}

/** Primary columns need util-linux >= 2.37 (MOUNTPOINTS); the fallback (-p, MOUNTPOINT) runs on 2.23-2.36. */
const command = raw(
  'lsblk -J -b -o NAME,PATH,TYPE,SIZE,FSTYPE,UUID,MOUNTPOINTS,PKNAME 2>/dev/null || ' +
    'lsblk -J -b -p -o NAME,TYPE,SIZE,FSTYPE,UUID,MOUNTPOINT,PKNAME',
);

function mountpointsOf(node: Record<string, unknown>): string[] {
  const list = Array.isArray(node.mountpoints) ? node.mountpoints : [node.mountpoint];
  return list.filter((m): m is string => typeof m === 'string' && m !== '');
}

function flatten(nodes: unknown, parent: string | null, seen: Map<string, BlockDevice>): string[] {
  if (!Array.isArray(nodes)) return [];
  const paths: string[] = [];
  for (const node of nodes as Record<string, unknown>[]) {
    const rawName = String(node.name ?? '');
    const path = jsonString(node.path) ?? rawName;
    const name = node.path === undefined ? rawName.replace(/^.*\//, '') : rawName;
    paths.push(path);
    const known = seen.get(path);
    const device: BlockDevice = known ?? {
      name,
      path,
      type: String(node.type ?? ''),
      size: jsonNumber(node.size),
      fstype: jsonString(node.fstype),
      uuid: jsonString(node.uuid),
      mountpoints: mountpointsOf(node),
      parent,
      children: [],
    };
    if (!known) seen.set(path, device);
    for (const child of flatten(node.children, path, seen)) {
      if (!device.children.includes(child)) device.children.push(child);
    }
  }
  return paths;
}

/** Every block device, disks before their partitions (`facts.blockdevs`). */
export const blockdevsFact: Fact<BlockDevice[]> = {
  key: 'blockdevs',
  command,
  parse(result) {
    requireSuccess('blockdevs', result);
    const seen = new Map<string, BlockDevice>();
    flatten(parseJson('blockdevs', result).blockdevices, null, seen);
    return [...seen.values()];
  },
};
