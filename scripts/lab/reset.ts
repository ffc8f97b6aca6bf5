// Puts every lab host back as lab-up made it, whatever a test, a demo or a crashed run left: the container is
// killed, its upper layer replaced by a fresh copy of the pristine one, its network namespace and spare device
// made anew, and it boots again.
// What lab-up set up once (each host's pristine upper layer with its host key, the client key, the admin
// password) is kept.
import path from 'node:path';
import { CACHE_DIR, LAB_FILES, LAB_HOSTS, type LabHost } from './config.js';
import { bootHost, killHostProcess, mountHostRoot, unmountHostRoot, waitForCleanBoot } from './host.js';
import { writeInventory, writeNames } from './inventory.js';
import { writeKnownHosts } from './keys.js';
import { createHostNetwork, removeHostNetwork } from './network.js';
import { recordPid } from './reboot.js';
import { formatSpare } from './spare.js';
import { type LabState, processAlive, readState } from './state.js';

const BOOT_WAIT_MS = 90_000;

/** Resets every host of the running lab in parallel; returns the seconds it took. */
export async function resetLab(): Promise<number> {
  const started = Date.now();
  const state = readState();
  if (!state.complete || !state.recipe) throw new Error(`no complete lab recorded in ${LAB_FILES.state}`);
  const base = path.join(CACHE_DIR, state.recipe, 'rootfs');
  await Promise.all(LAB_HOSTS.map((host) => resetHost(host, base, state)));
  writeLabFiles(readState());
  return (Date.now() - started) / 1000;
}

/** Writes the pinned known_hosts, inventory/lab.yml and the lab's names file from the recorded state (undoing any test's edit of them). */
export function writeLabFiles(state: LabState): void {
  const field = (key: 'hostKey' | 'loopDevice') =>
    Object.fromEntries(LAB_HOSTS.map((host) => [host.name, state.hosts[host.name]?.[key] ?? '']));
  writeKnownHosts(LAB_HOSTS, field('hostKey'));
  writeInventory(LAB_HOSTS, field('loopDevice'));
  writeNames(LAB_HOSTS);
}

async function resetHost(host: LabHost, base: string, state: LabState): Promise<void> {
  const { nspawnPid, loopDevice } = state.hosts[host.name] ?? {};
  if (!loopDevice) throw new Error(`${host.name}: no spare device recorded in ${LAB_FILES.state}`);
  if (processAlive(nspawnPid) && nspawnPid) await killHostProcess(nspawnPid);
  await unmountHostRoot(host);
  await mountHostRoot(host, base);
  await removeHostNetwork(host);
  await createHostNetwork(host);
  await formatSpare(host, loopDevice);
  const newPid = bootHost(host, loopDevice);
  recordPid(host.name, newPid);
  await waitForCleanBoot(host, newPid, BOOT_WAIT_MS);
}
