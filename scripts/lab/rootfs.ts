// The cached base root filesystem: Debian 12 from mmdebstrap plus the lab files, keyed by a hash of its recipe.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { BASE_PACKAGES, CACHE_DIR, ROOTFS_FILES } from './config.js';
import { sh } from './shell.js';

const SUITE = 'bookworm';
const COMPLETE_MARKER = '.waptops-lab-complete';

/** Hash of everything the base image is made from: suite, package list, and every file under the lab files root. */
export function recipeHash(root = ROOTFS_FILES): string {
  const hash = createHash('sha256');
  hash.update(`${SUITE}\n${BASE_PACKAGES.join(',')}\n`);
  for (const file of listFiles(root)) {
    const full = path.join(root, file);
    hash.update(`${file}\0${statSync(full).mode & 0o777}\0`);
    hash.update(readFileSync(full));
  }
  return hash.digest('hex').slice(0, 16);
}

/** Path of the cached base root filesystem, built first when the recipe changed (old caches are removed). */
export async function ensureBaseRootfs(log: (line: string) => void): Promise<string> {
  const hash = recipeHash();
  const target = path.join(CACHE_DIR, hash, 'rootfs');
  if (existsSync(path.join(target, COMPLETE_MARKER))) return target;
  const building = path.join(CACHE_DIR, `${hash}.building`);
  await sh`rm -rf ${building}`;
  await sh`mkdir -p ${building}`;
  log(`building the base root filesystem ${hash} with mmdebstrap (this machine's apt sources)`);
  const include = `--include=${BASE_PACKAGES.join(',')}`;
  await sh`mmdebstrap --quiet --variant=apt ${include} ${SUITE} ${building}/rootfs`;
  await sh`cp -a ${ROOTFS_FILES}/. ${building}/rootfs/`;
  log('adding the WAPT stand-ins, lab signing keys and sample packages');
  await sh`chroot ${building}/rootfs /bin/sh /opt/wapt/lab/setup-base.sh`;
  await sh`touch ${building}/rootfs/${COMPLETE_MARKER}`;
  for (const old of readdirSync(CACHE_DIR).filter((name) => name !== `${hash}.building`)) {
    await sh`rm -rf ${path.join(CACHE_DIR, old)}`;
  }
  await sh`mv ${building} ${path.join(CACHE_DIR, hash)}`;
  return target;
}

function listFiles(root: string, prefix = ''): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(path.join(root, prefix), { withFileTypes: true }).sort((a, b) =>
    a.name.localeCompare(b.name),
  )) {
    const relative = path.join(prefix, entry.name);
    if (entry.isDirectory()) files.push(...listFiles(root, relative));
    else files.push(relative);
  }
  return files;
}
