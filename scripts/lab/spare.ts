// Spare block devices: a sparse file per host on a loop device, formatted ext4, for migrations to target.
import { existsSync } from 'node:fs';
import { hostPaths, type LabHost, SPARE_SIZE_MIB } from './config.js';
import { sh } from './shell.js';

/** Creates a fresh, empty ext4 loop device for the host and returns its path (/dev/loopN). */
export async function createSpareDevice(host: LabHost): Promise<string> {
  const { spareImage } = hostPaths(host);
  await sh`rm -f ${spareImage}`;
  await sh`truncate -s ${`${SPARE_SIZE_MIB}M`} ${spareImage}`;
  const device = (await sh`losetup --find --show ${spareImage}`).stdout.trim();
  await formatSpare(host, device);
  return device;
}

/**
 * Makes the spare an empty ext4 again (whatever a test left on it: files, another filesystem, none), once no
 * mount holds it; a container just killed may release it a moment later.
 */
export async function formatSpare(host: LabHost, device: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const wiped = await sh({ nothrow: true })`wipefs -a -q ${device}`;
    if (wiped.exitCode === 0) break;
    if (attempt === 50) throw new Error(`${device} stays busy: ${wiped.stderr.trim()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await sh`mkfs.ext4 -q -F -L ${`${host.name}-spare`} ${device}`;
}

/** Detaches every loop device backed by the host's spare image (found with `losetup -j`). */
export async function freeSpareDevices(host: LabHost): Promise<void> {
  const { spareImage } = hostPaths(host);
  if (!existsSync(spareImage)) return;
  const attached = (await sh`losetup -j ${spareImage}`).stdout.split('\n').filter(Boolean);
  for (const line of attached) await sh`losetup -d ${line.split(':')[0]}`;
}
