// on_unreachable: continue — when SSH fails, controller-side steps still run and host steps are skipped.
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { type AddressInfo, createServer, type Server } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCli } from '../../helpers/cli-process.js';

let tmp: string;
let server: Server;
let openPort: number;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'waptops-offline-'));
  // Port 1 on loopback refuses SSH at once: the host is unreachable.
  await writeFile(
    path.join(tmp, 'hosts.yml'),
    'hosts:\n  down1: { address: 127.0.0.1, port: 1, connect_timeout: 2 }\n',
  );
  server = createServer((s) => s.end());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  openPort = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.close();
  await rm(tmp, { recursive: true, force: true });
});

async function run(port: number) {
  const json = path.join(tmp, `r${port}.json`);
  const args = ['run', 'test/fixtures/playbooks/e2e/offline.yml', '-i', path.join(tmp, 'hosts.yml')];
  const r = await runCli([...args, '-e', `port=${port}`, '--json', json]);
  const doc = JSON.parse(readFileSync(json, 'utf8'));
  return { ...r, host: doc.hosts.down1 };
}

it('runs the controller-side steps of an unreachable host, skips the others, exits 3', async () => {
  const r = await run(openPort);
  expect(r.code).toBe(3);
  expect(r.host.recap).toMatchObject({ unreachable: true, ok: 2, skipped: 1, failed: 0 });
  expect(r.host.steps.map((s: { status: string }) => s.status)).toEqual(['ok', 'skipped', 'ok']);
  expect(r.host.steps[1].message).toMatch(/needs the host, unreachable/);
  expect(r.stdout).toMatch(/host-side checks were skipped/);
});

it('a failing controller-side probe makes it exit 2', async () => {
  server.close();
  const r = await run(openPort);
  expect(r.code).toBe(2);
  expect(r.host.steps[0].data.state).toBe('refused');
});

it('doctor still gives an unreachable host its verdict: no finding reads what only the host could tell', async () => {
  const r = await runCli(['doctor', 'down1', '-i', path.join(tmp, 'hosts.yml'), '--plain'], {
    XDG_STATE_HOME: path.join(tmp, 'state'),
  });
  expect(r.code, r.stdout + r.stderr).toBe(3);
  expect(r.stdout).toContain(
    'WARNING down1 is unreachable over SSH: only the checks from the controller ran',
  );
  expect(r.stdout).not.toContain('no verdict');
});
