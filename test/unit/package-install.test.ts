// The tarball `npm pack` makes, installed with `npm install -g --prefix` as a user installs a tool: its
// `waptops` works from any directory, finds the shipped playbooks, lets the user's own directories override
// them, takes its default inventory from $XDG_CONFIG_HOME/waptops, and reads its host scripts beside the
// installed code. The install runs no build (the tarball carries the compiled code, no TypeScript).
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { type InstalledPackage, installPackage, runInstalled } from '../helpers/installed-package.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'waptops-package-'));
let pkg: InstalledPackage;
let installed: string;
const home = path.join(tmp, 'home');
const shipped = readdirSync('playbooks')
  .filter((f) => f.endsWith('.yml') && f !== 'os-vars.yml')
  .map((f) => f.slice(0, -4))
  .sort();

/** A fresh directory that has nothing to do with this repository. */
function unrelatedDir(name: string): string {
  const dir = path.join(tmp, 'work', name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** The environment of a user whose home is the test's own (no real ~/.config read). */
const userEnv = (extra: Record<string, string> = {}) => ({ HOME: home, XDG_CONFIG_HOME: '', ...extra });

/** The description `list --json` gives for a playbook name (and checks the file it names holds it). */
async function descriptionOf(cwd: string, name: string, args: string[] = [], env = userEnv()) {
  const r = await runInstalled(pkg, cwd, [...args, 'list', '--json'], env);
  expect(r.code, r.stderr).toBe(0);
  const book = (JSON.parse(r.stdout) as { name: string; file: string; description: string }[]).find(
    (b) => b.name === name,
  );
  const text = readFileSync(path.resolve(cwd, book?.file ?? ''), 'utf8');
  expect(parse(text).description).toBe(book?.description);
  return book?.description;
}

/** A copy of the shipped health playbook under `dir`, with its own description. */
function healthCopy(dir: string, description: string): void {
  mkdirSync(dir, { recursive: true });
  const doc = parse(readFileSync('playbooks/health.yml', 'utf8')) as Record<string, unknown>;
  writeFileSync(path.join(dir, 'health.yml'), stringify({ ...doc, description }));
  writeFileSync(path.join(dir, 'os-vars.yml'), readFileSync('playbooks/os-vars.yml'));
}

beforeAll(() => {
  mkdirSync(home, { recursive: true });
  pkg = installPackage(tmp);
  installed = path.join(pkg.prefix, 'lib', 'node_modules', 'waptops');
}, 300_000);

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('the installed package', () => {
  it('holds the compiled code with its host scripts, the playbooks and the schemas, and no build tooling', () => {
    expect(existsSync(path.join(installed, 'dist/scripts/actions/tree-copy.sh'))).toBe(true);
    expect(existsSync(path.join(installed, 'dist/scripts/engine/host-state/detached-job.sh'))).toBe(true);
    expect(existsSync(path.join(installed, 'playbooks/scripts/served-sha256.sh'))).toBe(true);
    expect(existsSync(path.join(installed, 'schemas/playbook.schema.json'))).toBe(true);
    expect(readdirSync(installed).sort()).toEqual([
      'README.md',
      'dist',
      'inventory',
      'node_modules',
      'package.json',
      'playbooks',
      'schemas',
    ]);
    // Only the runtime dependencies: no compiler, test runner or linter, so nothing was built at install.
    for (const dev of ['typescript', 'vitest', '@biomejs']) {
      expect(existsSync(path.join(installed, 'node_modules', dev)), dev).toBe(false);
    }
  });

  it("built ssh2's native crypto binding and cpu-features for the Node running the tests", () => {
    const addons = ['ssh2/lib/protocol/crypto/build/Release/sshcrypto.node', 'cpu-features'].map((m) =>
      path.join(installed, 'node_modules', m),
    );
    const loaded = execFileSync(
      process.execPath,
      ['-e', `${JSON.stringify(addons)}.forEach((m) => require(m)); console.log(process.version)`],
      { encoding: 'utf8' },
    );
    expect(loaded.trim()).toBe(process.version);
  });

  it('answers --version from an unrelated directory', async () => {
    const r = await runInstalled(pkg, unrelatedDir('version'), ['--version'], userEnv());
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(
      (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version,
    );
  });

  it('lists and validates the shipped playbooks from an unrelated directory', async () => {
    const cwd = unrelatedDir('list');
    const list = await runInstalled(pkg, cwd, ['list', '--json'], userEnv());
    expect(list.code, list.stderr).toBe(0);
    expect((JSON.parse(list.stdout) as { name: string }[]).map((b) => b.name)).toEqual(shipped);
    const validate = await runInstalled(pkg, cwd, ['validate'], userEnv());
    expect(validate.code, validate.stderr).toBe(0);
    const checked = validate.stdout.trim().split('\n');
    expect(checked).toEqual([
      `ok  ${path.join(installed, 'playbooks/os-vars.yml')}`,
      ...shipped.map((name) => `ok  ${path.join(installed, 'playbooks', `${name}.yml`)}`),
    ]);
  });

  it('looks a name up in --playbooks (else WAPTOPS_PLAYBOOKS), then ./playbooks, then the shipped ones', async () => {
    const cwd = unrelatedDir('override');
    const shippedText = await descriptionOf(cwd, 'health');
    expect(shippedText).toMatch(/health/i);
    healthCopy(path.join(cwd, 'playbooks'), 'the working directory health');
    const fromEnv = path.join(tmp, 'env-playbooks');
    const fromFlag = path.join(tmp, 'flag-playbooks');
    healthCopy(fromEnv, 'the WAPTOPS_PLAYBOOKS health');
    healthCopy(fromFlag, 'the --playbooks health');
    expect(await descriptionOf(cwd, 'health')).toBe('the working directory health');
    const env = userEnv({ WAPTOPS_PLAYBOOKS: fromEnv });
    expect(await descriptionOf(cwd, 'health', [], env)).toBe('the WAPTOPS_PLAYBOOKS health');
    expect(await descriptionOf(cwd, 'health', ['--playbooks', fromFlag], env)).toBe('the --playbooks health');
    // A name the user's directories do not hold still comes from the package.
    expect(await descriptionOf(cwd, 'doctor', ['--playbooks', fromFlag], env)).toMatch(/doctor|check/i);
    const missing = await runInstalled(pkg, cwd, ['--playbooks', path.join(tmp, 'nope'), 'list'], userEnv());
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toBe(`waptops: --playbooks: not a directory: ${path.join(tmp, 'nope')}`);
  });

  it('runs a runbook whose host script ships beside the code, on the inventory of $XDG_CONFIG_HOME/waptops', async () => {
    const config = path.join(tmp, 'config');
    const repo = path.join(tmp, 'repo');
    mkdirSync(path.join(config, 'waptops'), { recursive: true });
    mkdirSync(path.join(repo, 'ssl'), { recursive: true });
    writeFileSync(
      path.join(config, 'waptops', 'hosts.yml'),
      stringify({
        hosts: { here: { connection: 'local', vars: { wapt_folder: repo } } },
        groups: { wapt_servers: { hosts: ['here'] } },
      }),
    );
    const cwd = unrelatedDir('xdg');
    const env = userEnv({ XDG_CONFIG_HOME: config, XDG_STATE_HOME: path.join(tmp, 'state') });
    const validate = await runInstalled(pkg, cwd, ['validate'], env);
    expect(validate.code, validate.stderr).toBe(0);
    expect(validate.stdout.trim().split('\n').at(-1)).toBe(
      `ok  ${path.join(config, 'waptops', 'hosts.yml')}`,
    );
    const run = await runInstalled(pkg, cwd, ['run', 'lint-repo'], env, { privateRunLock: true });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain("here [1/1] lint the repository's packages ... ok");
    expect(run.stdout).toContain(`trusted: 0 certificate(s) from ${repo}/ssl`);
  });

  it('says where it looked when no inventory is found', async () => {
    const r = await runInstalled(pkg, unrelatedDir('no-inventory'), ['run', 'health', '--check'], userEnv());
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n')[0]).toBe(
      `waptops: no inventory: none of inventory/lab.yml, inventory/hosts.yml, ${home}/.config/waptops/hosts.yml exists`,
    );
  });
});
