// Lab: 20 runs of different read-only playbooks started at once, ten on deb1 and ten on rhel1. Each ends as the README
// says: done (0, or 2 for a real finding) or refused because another run holds the host's lock (4, naming
// the holder); none crashes, none leaves a lock behind, and the hosts are as they were.
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { runInHost } from '../../scripts/lab/faults.js';
import { labTempDir } from '../helpers/lab/lab-run.js';
import { repoSnapshot } from '../helpers/lab/repository.js';
import { runOnLabWith } from '../helpers/lab/run-with-env.js';

const HOSTS = ['deb1', 'rhel1'];
const PLAYBOOKS = ['health', 'check-443', 'lint-repo', 'doctor', 'restart-nginx'];
const tmp = labTempDir();
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('concurrent runs', () => {
  it('20 runs at once: each is done or refused with exit 4 naming the holder; no lock is left; the hosts are unchanged', async () => {
    const before = await Promise.all(HOSTS.map(repoSnapshot));
    const runs = await Promise.all(
      Array.from({ length: 20 }, (_, i) => {
        const playbook = PLAYBOOKS[i % PLAYBOOKS.length] as string;
        const host = HOSTS[i % HOSTS.length] as string;
        const args = ['--limit', host, ...(playbook === 'restart-nginx' ? ['--check'] : [])];
        return runOnLabWith(tmp, playbook, args).then((r) => ({ ...r, playbook }));
      }),
    );
    for (const r of runs) {
      const what = `${r.playbook}: exit ${r.code}\n${r.stdout.slice(-800)}${r.stderr}`;
      expect([0, 2, 4], what).toContain(r.code);
      expect(r.stderr, what).not.toMatch(/internal error|\n\s+at /);
      if (r.code === 4) expect(r.stdout + r.stderr, what).toMatch(/locked by .*pid/i);
    }
    const counts = [0, 2, 4].map((c) => `${runs.filter((r) => r.code === c).length}× exit ${c}`);
    const finding = runs
      .filter((r) => r.code === 2)
      .map((r) => `${r.playbook}: ${/FAILED.*$/m.exec(r.stdout)?.[0] ?? ''}`);
    console.log(
      `[concurrent] 20 runs at once: ${counts.join(', ')}${finding.length ? `; exit 2: ${finding.join('; ')}` : ''}`,
    );
    // On each host at least one run got the lock and finished.
    expect(runs.filter((r) => r.code !== 4).length).toBeGreaterThanOrEqual(HOSTS.length);
    // Nothing holds a host any more: one more run gets in at once.
    const after = await runOnLabWith(tmp, 'health', ['--limit', HOSTS.join(',')]);
    expect(after.code, after.stdout + after.stderr).toBe(0);
    expect(await Promise.all(HOSTS.map(repoSnapshot))).toEqual(before);
    for (const host of HOSTS)
      expect(await runInHost(host, 'systemctl is-active nginx waptserver')).toBe('active\nactive\n');
  }, 300_000);
});
