// The facts an expression may read by name (`facts.os.family`, `facts.mounts`, ...).
import { blockdevsFact } from './blockdev.js';
import { diskUsageFact } from './disk.js';
import { mountsFact } from './mounts.js';
import { osFact } from './os.js';
import { selinuxFact } from './selinux.js';
import { systemdFact } from './systemd.js';

/** Every named fact, keyed by the name used after `facts.` in expressions. */
export const factsByName = {
  os: osFact,
  systemd: systemdFact,
  mounts: mountsFact,
  blockdevs: blockdevsFact,
  disk: diskUsageFact,
  selinux: selinuxFact,
} as const;
