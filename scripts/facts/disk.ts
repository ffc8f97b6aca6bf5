// Space per mounted filesystem from `df -B1 --output`.
import { raw } from '../transport/command.js';
import { factFailure } from './parse.js';
import type { Fact } from './types.js';

/** Size, used and available bytes of one mounted filesystem. */
export interface DiskUsage {
  source: string;
  fstype: string;
  size: number;
  used: number;
  avail: number;
  target: string;
}

const line = /^(\S+)\s+(\S+)\s+(\d+|-)\s+(\d+|-)\s+(\d+|-)\s+(.+)$/;

function bytes(v: string): number {
  return v === '-' ? 0 : Number(v);
}

/** Space on every mounted filesystem (`facts.disk`); the mount point may contain spaces. */
export const diskUsageFact: Fact<DiskUsage[]> = {
  key: 'disk',
  command: raw('df -B1 --output=source,fstype,size,used,avail,target'),
  parse(result) {
    const [header, ...rows] = result.stdout.split('\n');
    // df exits 1 when one filesystem cannot be read but still lists the others.
    if (!header?.startsWith('Filesystem')) factFailure('disk', result);
    return rows.flatMap((row) => {
      const m = line.exec(row);
      if (!m) return [];
      const [, source, fstype, size, used, avail, target] = m as unknown as string[];
      return [{ source, fstype, size: bytes(size), used: bytes(used), avail: bytes(avail), target }];
    });
  },
};
