// Reboots a lab host as a real machine reboots: clean shutdown, then a boot on the same root filesystem
// (its upper layer persists) with the same spare device bound in; fstab is applied at boot by the host itself.
import { labHost } from './faults.js';
import { bootHost, stopHostProcess, waitForBoot } from './host.js';
import { processAlive, readState, writeState } from './state.js';

const BOOT_WAIT_MS = 90_000;

/** Reboots the host, records its new nspawn pid, and resolves once SSH answers and its boot has finished. */
export async function rebootHost(name: string): Promise<void> {
  const host = labHost(name);
  const { nspawnPid, loopDevice } = readState().hosts[name] ?? {};
  if (!nspawnPid || !loopDevice || !processAlive(nspawnPid)) {
    throw new Error(`lab host ${name} is not running: bring the lab up first`);
  }
  await stopHostProcess(nspawnPid);
  const newPid = bootHost(host, loopDevice);
  recordPid(name, newPid);
  await waitForBoot(host, newPid, BOOT_WAIT_MS);
}

/** Records a host's new nspawn pid: read again and written at once (no await between), so hosts restarted in parallel each keep their own. */
export function recordPid(name: string, nspawnPid: number): void {
  const state = readState();
  state.hosts[name] = { ...state.hosts[name], nspawnPid };
  writeState(state);
}
