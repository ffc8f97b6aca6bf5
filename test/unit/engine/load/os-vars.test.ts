// os-vars.yml beside a playbook: a var the playbook and the inventory do not set comes from the host's OS
// family (this machine is Debian), the inventory wins over it, and a bad file is refused at file:line:col.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../helpers/cli-process.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'waptops-os-vars-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const playbook = path.join(dir, 'show.yml');
writeFileSync(
  playbook,
  `name: show
description: prints a per-OS var
steps:
  - name: the repository folder
    action: command
    with: { argv: [echo, "folder=\${{ vars.wapt_folder }}"] }
`,
);

function inventory(vars: string): string {
  const file = path.join(dir, `hosts-${vars ? 'set' : 'plain'}.yml`);
  writeFileSync(file, `hosts:\n  h1: { connection: local${vars} }\n`);
  return file;
}

const run = (inv: string) =>
  runCli(['run', playbook, '-i', inv, '--plain'], { XDG_STATE_HOME: dir }, { privateRunLock: true });

describe('os-vars.yml', () => {
  it('gives the host its family defaults, below the inventory', async () => {
    writeFileSync(
      path.join(dir, 'os-vars.yml'),
      'debian: { wapt_folder: /deb/wapt }\nrhel: { wapt_folder: /rhel/wapt }\n',
    );
    const plain = await run(inventory(''));
    expect(plain.code, plain.stdout + plain.stderr).toBe(0);
    expect(plain.stdout).toContain('folder=/deb/wapt');
    const set = await run(inventory(', vars: { wapt_folder: /srv/wapt }'));
    expect(set.stdout).toContain('folder=/srv/wapt');
  });

  it('a bad file is refused at its line and column, nothing run', async () => {
    writeFileSync(
      path.join(dir, 'os-vars.yml'),
      'debian:\n  wapt_folder: /deb\nsolaris: { wapt_folder: /x }\n',
    );
    const bad = await run(inventory(''));
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(`${path.join(dir, 'os-vars.yml')}:3:1 solaris: unknown key 'solaris'`);
    expect(bad.stdout).not.toContain('folder=');
  });
});
