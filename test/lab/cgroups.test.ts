// Lab: each host's systemd manages cgroups of its own. Two containers booted from one shared cgroup both put
// their units under one `/payload` and stopped each other's (EIO on kill, status=219/CGROUP, start-limit-hit).
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { trackingHierarchies } from '../../scripts/lab/cgroup.js';
import { runInHost } from '../../scripts/lab/faults.js';
import { containerLeader, readState } from '../../scripts/lab/state.js';

const HOSTS = ['deb1', 'rhel1'];

/** The cgroup paths (as the controller sees them, per hierarchy) of every process in the host's PID namespace. */
function cgroupsOfHost(host: string): string[] {
  const leader = containerLeader(readState().hosts[host]?.nspawnPid ?? 0);
  if (!leader) throw new Error(`${host} is not running`);
  const namespace = readlinkSync(`/proc/${leader}/ns/pid`);
  const paths = new Set<string>();
  for (const pid of readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
    try {
      if (readlinkSync(`/proc/${pid}/ns/pid`) !== namespace) continue;
      for (const line of readFileSync(`/proc/${pid}/cgroup`, 'utf8').trim().split('\n')) {
        const [, controllers, path] = line.split(':');
        if (controllers === '' || controllers === 'name=systemd')
          paths.add(`${controllers || 'cgroup2'}:${path}`);
      }
    } catch {
      // The process ended while being read.
    }
  }
  return [...paths];
}

describe('lab hosts and their cgroups', () => {
  it('every process of a host lives under its own waptops-lab/<host> cgroup in each tracking hierarchy', () => {
    expect(trackingHierarchies().length).toBeGreaterThan(0);
    for (const host of HOSTS) {
      const paths = cgroupsOfHost(host);
      expect(paths.some((p) => p.endsWith('/system.slice/nginx.service'))).toBe(true);
      for (const p of paths)
        expect(p).toMatch(new RegExp(`^(cgroup2|name=systemd):/waptops-lab/${host}/payload(/|$)`));
    }
  });

  it('a unit of the same name started and stopped 40 times on both hosts at once never fails', async () => {
    // The start limit is lifted for this probe unit only: what is tested is the cgroup, not systemd's rate limit.
    const loop = `for i in $(seq 40); do
        systemd-run --quiet --unit=waptops-cgroup-probe -p StartLimitIntervalSec=0 sleep 30 || { echo "start $i failed"; exit 1; }
        systemctl stop waptops-cgroup-probe || { echo "stop $i failed"; exit 1; }
      done
      journalctl -b --no-pager | grep -c -e 'status=219/CGROUP' -e 'Failed to kill control group' || true`;
    const results = await Promise.all(HOSTS.map((host) => runInHost(host, loop)));
    expect(results).toEqual(HOSTS.map(() => '0\n'));
  });
});
