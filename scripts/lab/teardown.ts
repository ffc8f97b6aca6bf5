// Undoes everything lab-up makes: processes, mounts, loop devices, namespaces, veths, the bridge, state.
import { rmSync } from 'node:fs';
import { LAB_FILES, LAB_HOSTS } from './config.js';
import { findHostProcesses, removeHostFiles, stopHostProcess } from './host.js';
import { removeLabNetwork } from './network.js';
import { freeSpareDevices } from './spare.js';
import { readState } from './state.js';

/** Tears the lab down from the state file and from what is found by name, so it also works after a crash. */
export async function teardownLab(log: (line: string) => void): Promise<void> {
  const state = readState();
  for (const host of LAB_HOSTS) {
    const pids = findHostProcesses(host, state.hosts[host.name]?.nspawnPid);
    await Promise.all(pids.map((pid) => stopHostProcess(pid)));
    if (pids.length > 0) log(`${host.name}: stopped (pid ${pids.join(', ')})`);
  }
  for (const host of LAB_HOSTS) {
    await freeSpareDevices(host);
    await removeHostFiles(host);
  }
  await removeLabNetwork();
  rmSync(LAB_FILES.state, { force: true });
}
