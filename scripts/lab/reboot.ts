// Reboots a lab host as a real machine reboots: clean shutdown, then a boot on the same root filesystem
// (its overlay persists) with the same spare device bound in; fstab is applied at boot by the host itself.
import { labHost, runInHost } from './faults.js';
import { bootHost, stopHostProcess, waitForSsh } from './host.js';
import { processAlive, readState, writeState } from './state.js';

const SSH_WAIT_MS = 90_000;

/** Reboots the host, records its new nspawn pid, and resolves once SSH answers and its boot has finished. */
export async function rebootHost(name: string): Promise<void> {
  const host = labHost(name);
  const { nspawnPid, loopDevice } = readState().hosts[name] ?? {};
  if (!nspawnPid || !loopDevice || !processAlive(nspawnPid)) {
    throw new Error(`lab host ${name} is not running: bring the lab up first`);
  }
  await stopHostProcess(nspawnPid);
  const newPid = bootHost(host, loopDevice);
  // Read again and write at once (no await between): hosts rebooted in parallel each keep their own pid.
  const state = readState();
  state.hosts[name] = { ...state.hosts[name], nspawnPid: newPid };
  writeState(state);
  await waitForSsh(host.address, SSH_WAIT_MS);
  await runInHost(name, 'systemctl is-system-running --wait >/dev/null || true');
}
