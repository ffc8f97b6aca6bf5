// Per-host cgroups: each lab host's systemd-nspawn runs in a cgroup of its own in every hierarchy that tracks
// processes (the v1 name=systemd one and cgroup2). Started from a shared cgroup, two nspawns on a host without
// systemd both create `/supervisor` and `/payload` at the same place, and the containers' systemds then manage
// each other's unit cgroups: a stop in one kills (EIO) or removes a cgroup the other is starting a unit in
// (status=219/CGROUP), and repeated failures end in start-limit-hit.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync } from 'node:fs';
import path from 'node:path';
import type { LabHost } from './config.js';

const LAB_CGROUP = 'waptops-lab';

/** Mount points of the hierarchies that track processes: cgroup2, and v1's name=systemd. */
export function trackingHierarchies(mounts = readFileSync('/proc/self/mounts', 'utf8')): string[] {
  return mounts
    .split('\n')
    .map((line) => line.split(' '))
    .filter(
      ([, , type, options]) =>
        type === 'cgroup2' || (type === 'cgroup' && (options ?? '').split(',').includes('name=systemd')),
    )
    .map(([, point]) => point ?? '');
}

/** The host's cgroup directory in each tracking hierarchy, created when missing. */
export function hostCgroups(host: LabHost): string[] {
  return trackingHierarchies().map((root) => {
    const dir = path.join(root, LAB_CGROUP, host.name);
    mkdirSync(dir, { recursive: true });
    return dir;
  });
}

/** Removes the host's (empty) cgroups, deepest first; one still holding a process stays. */
export function removeHostCgroups(host: LabHost): void {
  for (const root of trackingHierarchies()) removeTree(path.join(root, LAB_CGROUP, host.name));
}

function removeTree(dir: string): void {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) removeTree(path.join(dir, entry.name));
  }
  try {
    rmdirSync(dir);
  } catch {
    // A cgroup with a process left in it cannot be removed; the next teardown tries again.
  }
}
