// One lab host's life: overlay on the cached base, per-host setup in a chroot, boot with systemd-nspawn, stop.
import { spawn } from 'node:child_process';
import { existsSync, openSync, readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { hostPaths, type LabHost } from './config.js';
import { sh } from './shell.js';
import { processAlive } from './state.js';

/** Mounts a fresh overlay (new empty upper layer) of the base image at the host's rootfs path. */
export async function mountHostOverlay(host: LabHost, base: string): Promise<void> {
  const { dir, upper, work, merged } = hostPaths(host);
  await sh`rm -rf ${upper} ${work}`;
  await sh`mkdir -p ${dir} ${upper} ${work} ${merged}`;
  await sh`mount -t overlay ${`waptops-lab-${host.name}`} -o ${`lowerdir=${base},upperdir=${upper},workdir=${work}`} ${merged}`;
}

/** Runs the per-host setup in a chroot (the password travels on stdin) and returns the new SSH host public key. */
export async function customiseHost(
  host: LabHost,
  clientPublicKey: string,
  adminPassword: string,
): Promise<string> {
  const { merged } = hostPaths(host);
  await sh`cp ${clientPublicKey} ${path.join(merged, 'opt/wapt/lab/lab-client.pub')}`;
  await sh({
    input: `${adminPassword}\n`,
  })`chroot ${merged} /bin/sh /opt/wapt/lab/setup-host.sh ${host.role} ${host.fqdn} ${host.address}`;
  return readFileSync(path.join(merged, 'etc/ssh/ssh_host_ed25519_key.pub'), 'utf8').trim();
}

/** Boots the host in the background (own session, console appended to its log file) and returns the nspawn pid. */
export function bootHost(host: LabHost, spareDevice: string): number {
  const { merged, log } = hostPaths(host);
  const output = openSync(log, 'a');
  const child = spawn(
    'systemd-nspawn',
    [
      '--register=no',
      '--keep-unit',
      '--boot',
      '--quiet',
      '--link-journal=no',
      '--console=read-only',
      `--machine=${host.name}`,
      `--directory=${merged}`,
      `--network-namespace-path=/run/netns/${host.netns}`,
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

/** Unmounts the host's overlay (and what nspawn left under it) and removes its files. */
export async function removeHostFiles(host: LabHost): Promise<void> {
  const { dir, merged } = hostPaths(host);
  const mounts = readFileSync('/proc/self/mounts', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[1] ?? '')
    .filter((point) => point === merged || point.startsWith(`${merged}/`))
    .sort((a, b) => b.length - a.length);
  for (const point of mounts) await sh`umount ${point}`;
  await sh`rm -rf ${`/run/systemd/nspawn/propagate/${host.name}`} ${`/run/systemd/nspawn/unix-export/${host.name}`}`;
  if (existsSync(dir)) await sh`rm -rf ${dir}`;
}
