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
  await sh`mkfs.ext4 -q -L ${`${host.name}-spare`} ${device}`;
  return device;
}

/** Detaches every loop device backed by the host's spare image (found with `losetup -j`). */
export async function freeSpareDevices(host: LabHost): Promise<void> {
  const { spareImage } = hostPaths(host);
  if (!existsSync(spareImage)) return;
  const attached = (await sh`losetup -j ${spareImage}`).stdout.split('\n').filter(Boolean);
  for (const line of attached) await sh`losetup -d ${line.split(':')[0]}`;
}
