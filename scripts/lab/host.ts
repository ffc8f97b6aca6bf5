// One lab host's life: a pristine upper layer on the cached base (set up once in a chroot), a fresh copy of it
// per reset, boot with systemd-nspawn in cgroups of its own, stop or kill.
import { spawn } from 'node:child_process';
import { existsSync, openSync, readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { hostCgroups, removeHostCgroups } from './cgroup.js';
import { BOOT_WRAPPER, hostPaths, type LabHost } from './config.js';
import { sh } from './shell.js';
import { containerLeader, processAlive } from './state.js';

/**
 * Makes the host's pristine upper layer: an overlay of the base whose upper layer is `pristine`, set up in a
 * chroot by setup-host.sh (the password travels on stdin), then unmounted. Returns the new SSH host public key.
 */
export async function buildPristineUpper(
  host: LabHost,
  base: string,
  clientPublicKey: string,
  adminPassword: string,
): Promise<string> {
  const { dir, pristine, work, merged } = hostPaths(host);
  await sh`rm -rf ${pristine} ${work}`;
  await sh`mkdir -p ${dir} ${pristine} ${work} ${merged}`;
  await mountOverlay(host, base, pristine);
  await sh`cp ${clientPublicKey} ${path.join(merged, 'opt/wapt/lab/lab-client.pub')}`;
  await sh({
    input: `${adminPassword}\n`,
  })`chroot ${merged} /bin/sh /opt/wapt/lab/setup-host.sh ${host.role} ${host.fqdn} ${host.address}`;
  const hostKey = readFileSync(path.join(merged, 'etc/ssh/ssh_host_ed25519_key.pub'), 'utf8').trim();
  await unmountHostRoot(host);
  return hostKey;
}

/**
 * Mounts the host's root on the base with a fresh copy of its pristine upper layer (what the last boot wrote is
 * gone). The copy keeps hard links, owners, modes, ACLs, xattrs and overlayfs whiteouts, and the files stay in
 * the upper layer as on a host's own filesystem: a file of a lower layer would lose its hard links when
 * written, and a directory of one could not be renamed.
 */
export async function mountHostRoot(host: LabHost, base: string): Promise<void> {
  const { pristine, upper, work, merged } = hostPaths(host);
  await sh`rm -rf ${upper} ${work}`;
  await sh`cp -a --preserve=all ${pristine} ${upper}`;
  await sh`mkdir -p ${work} ${merged}`;
  await mountOverlay(host, base, upper);
}

async function mountOverlay(host: LabHost, lowerdir: string, upperdir: string): Promise<void> {
  const { work, merged } = hostPaths(host);
  const options = `lowerdir=${lowerdir},upperdir=${upperdir},workdir=${work}`;
  await sh`mount -t overlay ${`waptops-lab-${host.name}`} -o ${options} ${merged}`;
}

/** Boots the host in the background in cgroups of its own (console appended to its log file); returns the nspawn pid. */
export function bootHost(host: LabHost, spareDevice: string): number {
  const { merged, log } = hostPaths(host);
  const output = openSync(log, 'a');
  const child = spawn(
    '/bin/sh',
    [
      BOOT_WRAPPER,
      ...hostCgroups(host),
      '--',
      'systemd-nspawn',
      '--register=no',
      '--keep-unit',
      '--boot',
      '--quiet',
      '--link-journal=no',
      '--console=read-only',
      `--machine=${host.name}`,
      `--directory=${merged}`,
      `--network-namespace-path=/run/netns/${host.netns}`,
      // the host's own network namespace: its root may read (and a test may set) its firewall rules
      '--capability=CAP_NET_ADMIN',
      `--bind=${spareDevice}`,
    ],
    { detached: true, stdio: ['ignore', output, output] },
  );
  child.unref();
  if (!child.pid) throw new Error(`systemd-nspawn did not start for ${host.name}; see ${log}`);
  return child.pid;
}

/** Resolves when the address answers with an SSH banner on port 22; rejects after the timeout. */
export async function waitForSsh(address: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await sshBanner(address, 1000)) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`no SSH answer from ${address}:22 within ${timeoutMs / 1000} s`);
}

/**
 * Waits for SSH, then for the end of the boot inside the host (`systemctl is-system-running --wait`), and
 * returns the system state: `running` when every unit came up, `degraded` when one failed.
 */
export async function waitForBoot(host: LabHost, nspawnPid: number, timeoutMs: number): Promise<string> {
  await waitForSsh(host.address, timeoutMs);
  const leader = containerLeader(nspawnPid);
  if (!leader) throw new Error(`${host.name}: its systemd-nspawn (pid ${nspawnPid}) has no container`);
  const state = await sh({
    nothrow: true,
    timeout: timeoutMs,
  })`nsenter --target ${leader} --all systemctl is-system-running --wait`;
  return state.stdout.trim() || 'unknown';
}

/** Like waitForBoot, but a boot that did not end `running` is an error naming the failed units. */
export async function waitForCleanBoot(host: LabHost, nspawnPid: number, timeoutMs: number): Promise<void> {
  const state = await waitForBoot(host, nspawnPid, timeoutMs);
  if (state === 'running') return;
  const leader = containerLeader(nspawnPid) ?? nspawnPid;
  const failed = await sh({
    nothrow: true,
  })`nsenter --target ${leader} --all systemctl --failed --no-legend --plain`;
  throw new Error(`${host.name} booted ${state}; failed units: ${failed.stdout.trim() || 'none listed'}`);
}

/** True when something on address:port sends an SSH banner within the timeout. */
export function sshBanner(address: string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: address, port: 22, timeout: timeoutMs });
    const finish = (answer: boolean) => {
      socket.destroy();
      resolve(answer);
    };
    socket.once('data', (data) => finish(data.toString().startsWith('SSH-')));
    socket.once('timeout', () => finish(false));
    socket.once('error', () => finish(false));
  });
}

/** nspawn processes booting this host's rootfs (from the state file or found in /proc after a crash). */
export function findHostProcesses(host: LabHost, recordedPid?: number): number[] {
  const { merged } = hostPaths(host);
  const found = readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
        return argv[0]?.endsWith('systemd-nspawn') && argv.includes(`--directory=${merged}`);
      } catch {
        return false;
      }
    })
    .map(Number);
  if (recordedPid && processAlive(recordedPid) && !found.includes(recordedPid)) {
    const argv = readFileSync(`/proc/${recordedPid}/cmdline`, 'utf8');
    if (argv.includes(merged)) found.push(recordedPid);
  }
  return found;
}

/** Powers the container off (SIGTERM to nspawn), SIGKILL after 20 s; resolves when the process is gone. */
export async function stopHostProcess(pid: number): Promise<void> {
  process.kill(pid, 'SIGTERM');
  for (let waited = 0; processAlive(pid); waited += 200) {
    if (waited === 20_000) process.kill(pid, 'SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Ends the container at once (SIGKILL to its init ends every process in it); resolves when nspawn is gone. */
export async function killHostProcess(pid: number): Promise<void> {
  const leader = containerLeader(pid);
  if (leader) process.kill(leader, 'SIGKILL');
  for (let waited = 0; processAlive(pid); waited += 100) {
    if (waited === 10_000 || !leader) process.kill(pid, 'SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Unmounts the host's root overlay and whatever is mounted below it. */
export async function unmountHostRoot(host: LabHost): Promise<void> {
  const { merged } = hostPaths(host);
  const mounts = readFileSync('/proc/self/mounts', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[1] ?? '')
    .filter((point) => point === merged || point.startsWith(`${merged}/`))
    .sort((a, b) => b.length - a.length);
  for (const point of mounts) await sh`umount ${point}`;
}

/** Unmounts the host's overlay (and what nspawn left under it) and removes its files and cgroups. */
export async function removeHostFiles(host: LabHost): Promise<void> {
  const { dir } = hostPaths(host);
  await unmountHostRoot(host);
  await sh`rm -rf ${`/run/systemd/nspawn/propagate/${host.name}`} ${`/run/systemd/nspawn/unix-export/${host.name}`}`;
  if (existsSync(dir)) await sh`rm -rf ${dir}`;
  removeHostCgroups(host);
}
