// An Ansible inventory with what waptops cannot use: `waptops run` refuses it whole, one line per problem, exit 1.
import { expect, it } from 'vitest';
import { runCli } from '../../helpers/cli-process.js';

it('names every problem at file:line:col, shows no refused value, and runs nothing', async () => {
  const inventory = 'test/fixtures/inventory/ansible/bad/hosts';
  const r = await runCli([
    'run',
    'test/fixtures/playbooks/e2e/inventory-vars.yml',
    '-i',
    inventory,
    '--check',
    '--ssh-config',
    'none',
  ]);
  const lines = r.stderr.trimEnd().split('\n');
  expect(r.code).toBe(1);
  expect(lines.at(-1)).toBe('11 problems; nothing was run');
  for (const line of lines.slice(0, -1))
    expect(line).toMatch(/^test\/fixtures\/inventory\/ansible\/bad\/\S+:\d+:\d+ /);
  expect(r.stderr).not.toMatch(/not-shown|3132333435/);
  expect(r.stdout).toBe('');
});
