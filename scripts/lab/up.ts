// `make lab-up`: builds or reuses the base image, boots deb1 and rhel1, writes inventory/lab.yml.
import { LAB_HOSTS, type LabHost } from './config.js';
import { bootHost, customiseHost, mountHostOverlay, sshBanner, waitForSsh } from './host.js';
import { writeInventory } from './inventory.js';
import { ensureAdminPassword, ensureClientKey, writeKnownHosts } from './keys.js';
import { createHostNetwork, ensureBridge } from './network.js';
import { ensureBaseRootfs } from './rootfs.js';
import { createSpareDevice } from './spare.js';
import { type HostState, type LabState, processAlive, readState, writeState } from './state.js';
import { teardownLab } from './teardown.js';

const SSH_WAIT_MS = 90_000;

/** True when the recorded lab is complete and every host's nspawn runs and answers SSH. */
export async function labIsUp(): Promise<boolean> {
  const state = readState();
  if (!state.complete) return false;
  const answers = await Promise.all(
    LAB_HOSTS.map(
      async (host) => processAlive(state.hosts[host.name]?.nspawnPid) && sshBanner(host.address, 2000),
    ),
  );
  return answers.every(Boolean);
}

/** Writes inventory/lab.yml from the running lab's state (a checkout that did not bring the lab up needs it too). */
export function refreshInventory(): void {
  const state = readState();
  writeInventory(
    LAB_HOSTS,
    Object.fromEntries(LAB_HOSTS.map((host) => [host.name, state.hosts[host.name]?.loopDevice ?? ''])),
  );
}

/** Brings the lab up from nothing (cleaning any leftovers first); returns the seconds it took. */
export async function labUp(log: (line: string) => void): Promise<number> {
  const started = Date.now();
  await teardownLab(log);
  const base = await ensureBaseRootfs(log);
  const clientKey = await ensureClientKey();
  const password = ensureAdminPassword();
  const state: LabState = { hosts: {}, complete: false };
  await ensureBridge();
  await Promise.all(LAB_HOSTS.map((host) => startHost(host, base, clientKey, password, state, log)));
  const hostKeys = Object.fromEntries(
    LAB_HOSTS.map((host) => [host.name, state.hosts[host.name]?.hostKey ?? '']),
  );
  const spares = Object.fromEntries(
    LAB_HOSTS.map((host) => [host.name, state.hosts[host.name]?.loopDevice ?? '']),
  );
  writeKnownHosts(LAB_HOSTS, hostKeys);
  writeInventory(LAB_HOSTS, spares);
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
  await mountHostOverlay(host, base);
  const hostKey = await customiseHost(host, clientKey, password);
  await createHostNetwork(host);
  const loopDevice = await createSpareDevice(host);
  Object.assign(record, { loopDevice, hostKey });
  writeState(state);
  Object.assign(record, { nspawnPid: bootHost(host, loopDevice) });
  writeState(state);
  await waitForSsh(host.address, SSH_WAIT_MS);
  log(`${host.name}: up at ${host.address} (${host.fqdn}), spare device ${loopDevice}`);
}

async function main(): Promise<void> {
  const fresh = process.argv.includes('--fresh');
  if (!fresh && (await labIsUp())) {
    refreshInventory();
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
