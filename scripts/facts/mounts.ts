// Mounted filesystems from `findmnt -J`, flattened from its tree.
import { raw } from '../transport/command.js';
import { jsonNumber, jsonString, parseJson, requireSuccess } from './parse.js';
import type { Fact } from './types.js';

/** One mounted filesystem. Sizes are bytes (null when findmnt cannot tell). */
export interface MountEntry {
  target: string;
  /** Device or remote source, e.g. `/dev/sdb1`, `/dev/sda1[/srv]` for a bind mount, `tmpfs`. */
  source: string;
  fstype: string;
  /** Mount options as the kernel shows them, comma-separated. */
  options: string;
  uuid: string | null;
  size: number | null;
  used: number | null;
  avail: number | null;
}

function flatten(nodes: unknown, out: MountEntry[]): MountEntry[] {
  if (!Array.isArray(nodes)) return out;
  for (const node of nodes as Record<string, unknown>[]) {
    out.push({
      target: String(node.target ?? ''),
      source: String(node.source ?? ''),
      fstype: String(node.fstype ?? ''),
      options: String(node.options ?? ''),
      uuid: jsonString(node.uuid),
      size: jsonNumber(node.size),
      used: jsonNumber(node.used),
      avail: jsonNumber(node.avail),
    });
    flatten(node.children, out);
  }
  return out;
}

/** Every mounted filesystem, parents before children (`facts.mounts`). */
export const mountsFact: Fact<MountEntry[]> = {
  key: 'mounts',
  command: raw('findmnt -J -b -o TARGET,SOURCE,FSTYPE,OPTIONS,UUID,SIZE,USED,AVAIL'),
  parse(result) {
    requireSuccess('mounts', result);
    return flatten(parseJson('mounts', result).filesystems, []);
  },
};
