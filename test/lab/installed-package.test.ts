// Lab: the tarball `npm pack` makes, installed with `npm install -g --prefix` as a user installs the tool,
// run from directories unrelated to this repository against deb1 and rhel1: once with the inventory in the
// working directory, once with it in $XDG_CONFIG_HOME/waptops. Only read-only runs (--check, doctor).
import { copyFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INVENTORY_FILE } from '../../scripts/lab/config.js';
import { type InstalledPackage, installPackage, runInstalled } from '../helpers/installed-package.js';
import type { RunReport } from '../helpers/lab/lab-run.js';
import { labTempDir } from '../helpers/lab/lab-run.js';

const HOSTS = ['deb1', 'rhel1'];
const tmp = labTempDir();
let pkg: InstalledPackage;

/** A fresh directory that has nothing to do with this repository. */
function unrelatedDir(name: string): string {
  const dir = path.join(tmp, 'work', name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** The environment of a user whose home, configuration and state are the test's own. */
const userEnv = (extra: Record<string, string> = {}) => ({
  HOME: path.join(tmp, 'home'),
  XDG_CONFIG_HOME: '',
  XDG_STATE_HOME: path.join(tmp, 'state'),
  ...extra,
});

beforeAll(() => {
  pkg = installPackage(tmp);
}, 300_000);

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('the installed waptops against the lab', () => {
  it('with ./inventory/hosts.yml: validate names it, run health --check is ok on both hosts', async () => {
    const cwd = unrelatedDir('inventory-here');
    mkdirSync(path.join(cwd, 'inventory'));
    copyFileSync(INVENTORY_FILE, path.join(cwd, 'inventory', 'hosts.yml'));
    const validate = await runInstalled(pkg, cwd, ['validate'], userEnv());
    expect(validate.code, validate.stderr).toBe(0);
    expect(validate.stdout).toContain('ok  inventory/hosts.yml\n');

    const report = path.join(tmp, 'health.json');
    const run = await runInstalled(pkg, cwd, ['run', 'health', '--check', '--json', report], userEnv());
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const doc = JSON.parse(readFileSync(report, 'utf8')) as RunReport;
    expect(doc.check).toBe(true);
    expect(Object.keys(doc.hosts).sort()).toEqual(HOSTS);
    for (const host of HOSTS) {
      const steps = doc.hosts[host]?.steps ?? [];
      expect(steps.length).toBeGreaterThan(0);
      expect(steps.filter((s) => s.status !== 'ok').map((s) => s.name)).toEqual([]);
    }
  });

  it('with $XDG_CONFIG_HOME/waptops/hosts.yml: doctor finds no error on deb1 (its host and playbook scripts run from the package)', async () => {
    const config = path.join(tmp, 'config');
    mkdirSync(path.join(config, 'waptops'), { recursive: true });
    copyFileSync(INVENTORY_FILE, path.join(config, 'waptops', 'hosts.yml'));
    const cwd = unrelatedDir('inventory-in-config');
    const run = await runInstalled(
      pkg,
      cwd,
      ['doctor', 'deb1', '--plain'],
      userEnv({ XDG_CONFIG_HOME: config }),
    );
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain('deb1: 0 error(s)');
    // The repository lint ran (its script ships beside the compiled code) and read the lab's packages.
    expect(run.stdout).toMatch(/lint +lab-bom-control_\S+\.wapt: WAPT\/control starts with a UTF-8 BOM/);
  });
});
