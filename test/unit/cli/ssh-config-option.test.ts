// --ssh-config through the built CLI: a Match it does not evaluate is one warning line, a bad value or file is exit 1.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCli } from '../../helpers/cli-process.js';

let tmp: string;
let inventory: string;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'waptops-ssh-config-cli-'));
  inventory = path.join(tmp, 'hosts.ini');
  await writeFile(inventory, '[wapt_servers]\nsrvwapt\n');
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

it('warns once, at file:line, about a Match block it skips, and goes on', async () => {
  const config = path.join(tmp, 'match-exec');
  await writeFile(config, 'Host srvwapt\n  Port 2222\n\nMatch exec "test -f /etc/x"\n  Port 2200\n');
  const r = await runCli(['validate', inventory, '--ssh-config', config]);
  expect(r.stderr).toBe(
    `waptops: warning: ${config}:4: Match exec is not evaluated by waptops; the options of this Match block are not applied\n`,
  );
  expect(r.stdout).toBe(`ok  ${inventory}\n`);
  expect(r.code).toBe(0);
});

it('refuses a bad value at file:line with exit 1', async () => {
  const config = path.join(tmp, 'bad-port');
  await writeFile(config, '# comment\nHost srv*\n  Port twenty-two\n');
  const r = await runCli(['validate', inventory, '--ssh-config', config]);
  expect(r.stderr).toContain(`${config}:3:1 port: expected a number from 1 to 65535, got 'twenty-two'\n`);
  expect(r.code).toBe(1);
});

it('refuses a missing --ssh-config file with exit 1, and reads none with `none`', async () => {
  const missing = await runCli(['validate', inventory, '--ssh-config', path.join(tmp, 'nope')]);
  expect(missing.stderr).toMatch(/^waptops: ssh config not found: .*nope\n/);
  expect(missing.code).toBe(1);
  const none = await runCli(['validate', inventory, '--ssh-config', 'none']);
  expect([none.code, none.stderr]).toEqual([0, '']);
});
