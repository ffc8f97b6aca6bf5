// `make lab-up`: builds or reuses the base image, boots deb1 and rhel1, writes inventory/lab.yml.
import path from 'node:path';
import { LAB_HOSTS, type LabHost } from './config.js';
import { bootHost, buildPristineUpper, mountHostRoot, sshBanner, waitForCleanBoot } from './host.js';
import { ensureAdminPassword, ensureClientKey } from './keys.js';
import { createHostNetwork, ensureBridge } from './network.js';
import { writeLabFiles } from './reset.js';
import { ensureBaseRootfs, recipeHash } from './rootfs.js';
import { createSpareDevice } from './spare.js';
import { type HostState, type LabState, processAlive, readState, writeState } from './state.js';
import { teardownLab } from './teardown.js';

const BOOT_WAIT_MS = 90_000;

/** True when the recorded lab is complete, made from today's recipe, and every host's nspawn runs and answers SSH. */
export async function labIsUp(): Promise<boolean> {
  const state = readState();
  if (!state.complete || state.recipe !== recipeHash()) return false;
  const answers = await Promise.all(
    LAB_HOSTS.map(
      async (host) => processAlive(state.hosts[host.name]?.nspawnPid) && sshBanner(host.address, 2000),
    ),
  );
  return answers.every(Boolean);
}

/** Brings the lab up from nothing (cleaning any leftovers first); returns the seconds it took. */
export async function labUp(log: (line: string) => void): Promise<number> {
  const started = Date.now();
  await teardownLab(log);
  const base = await ensureBaseRootfs(log);
  const clientKey = await ensureClientKey();
  const password = ensureAdminPassword();
  const state: LabState = { hosts: {}, complete: false, recipe: path.basename(path.dirname(base)) };
  await ensureBridge();
  await Promise.all(LAB_HOSTS.map((host) => startHost(host, base, clientKey, password, state, log)));
  writeLabFiles(state);
  state.complete = true;
  writeState(state);
  return (Date.now() - started) / 1000;
}

async function startHost(
  host: LabHost,
  base: string,
  clientKey: string,
  password: string,
  state: LabState,
  log: (line: string) => void,
): Promise<void> {
  const record: HostState = {};
  state.hosts[host.name] = record;
  const hostKey = await buildPristineUpper(host, base, clientKey, password);
  await mountHostRoot(host, base);
  await createHostNetwork(host);
  const loopDevice = await createSpareDevice(host);
  Object.assign(record, { loopDevice, hostKey });
  writeState(state);
  const nspawnPid = bootHost(host, loopDevice);
  Object.assign(record, { nspawnPid });
  writeState(state);
  await waitForCleanBoot(host, nspawnPid, BOOT_WAIT_MS);
  log(`${host.name}: up at ${host.address} (${host.fqdn}), spare device ${loopDevice}`);
}

async function main(): Promise<void> {
  const fresh = process.argv.includes('--fresh');
  if (!fresh && (await labIsUp())) {
    writeLabFiles(readState());
    console.log('lab already up (use --fresh to rebuild the hosts); see `make lab-status`');
    return;
  }
  const seconds = await labUp((line) => console.log(line));
  console.log(`lab up in ${seconds.toFixed(1)} s; inventory written to inventory/lab.yml`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: unknown) => {
    console.error(`lab-up failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
