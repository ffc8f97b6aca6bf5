// Faults lab tests inject per host: network cut, sshd stopped or its sessions killed, 443 dropped vs refused,
// broken nginx config, changed host key. Commands run inside the host through its namespaces (nsenter).
import { readFileSync, writeFileSync } from 'node:fs';
import { LAB_FILES, LAB_HOSTS, type LabHost } from './config.js';
import { knownHostsLine } from './keys.js';
import { setHostLink } from './network.js';
import { sh } from './shell.js';
import { containerLeader, readState } from './state.js';

const FAULT_TABLE = 'waptops_lab_fault';
const NGINX_SITE = { debian: '/etc/nginx/sites-available/wapt.conf', rhel: '/etc/nginx/conf.d/wapt.conf' };

/** The lab host with this name (deb1, rhel1). */
export function labHost(name: string): LabHost {
  const host = LAB_HOSTS.find((candidate) => candidate.name === name);
  if (!host) throw new Error(`no lab host named ${name}`);
  return host;
}

/** Runs a POSIX sh script inside the running host (as its root, in all its namespaces); returns stdout. */
export async function runInHost(name: string, script: string): Promise<string> {
  const nspawnPid = readState().hosts[name]?.nspawnPid;
  const leader = nspawnPid ? containerLeader(nspawnPid) : undefined;
  if (!leader) throw new Error(`lab host ${name} is not running`);
  return (await sh`nsenter --target ${leader} --all /bin/sh -c ${script}`).stdout;
}

/** Cuts the host off the network (its veth down on the controller): connections time out. */
export async function cutNetwork(name: string): Promise<void> {
  await setHostLink(labHost(name), false);
}

/** Restores the host's network after cutNetwork. */
export async function restoreNetwork(name: string): Promise<void> {
  await setHostLink(labHost(name), true);
}

/** Stops sshd cleanly (systemctl stop ssh): new connections are refused. */
export async function stopSshd(name: string): Promise<void> {
  await runInHost(name, 'systemctl stop ssh.service');
}

/** Kills (SIGKILL) every sshd but the listener: open SSH connections drop at once, new ones are accepted. Returns how many. */
export async function killSshSessions(name: string): Promise<number> {
  const killed = await runInHost(
    name,
    'listener=$(systemctl show -p MainPID --value ssh.service); for pid in $(pgrep -x sshd); do [ "$pid" = "$listener" ] || { kill -KILL "$pid" 2>/dev/null && echo "$pid"; }; done; true',
  );
  return killed.split('\n').filter(Boolean).length;
}

/** Starts sshd again after stopSshd. */
export async function startSshd(name: string): Promise<void> {
  await runInHost(name, 'systemctl start ssh.service');
}

/** Drops TCP 443 in the host with nftables: a connect times out (unlike stopNginx, which refuses). */
export async function dropHttps(name: string): Promise<void> {
  await runInHost(
    name,
    `nft add table inet ${FAULT_TABLE} && nft add chain inet ${FAULT_TABLE} input '{ type filter hook input priority 0; }' && nft add rule inet ${FAULT_TABLE} input tcp dport 443 drop`,
  );
}

/** Removes the nftables drop of dropHttps. */
export async function allowHttps(name: string): Promise<void> {
  await runInHost(name, `nft delete table inet ${FAULT_TABLE} 2>/dev/null || true`);
}

/** Stops nginx: a connect to 443 is refused. */
export async function stopNginx(name: string): Promise<void> {
  await runInHost(name, 'systemctl stop nginx');
}

/** Starts nginx again. */
export async function startNginx(name: string): Promise<void> {
  await runInHost(name, 'systemctl start nginx');
}

/** Appends an invalid directive to the host's WAPT nginx site (kept as .lab-backup): `nginx -t` then fails. */
export async function breakNginxConfig(name: string): Promise<void> {
  const site = NGINX_SITE[labHost(name).role];
  await runInHost(name, `cp -p ${site} ${site}.lab-backup && echo 'this_is_not_a_directive;' >> ${site}`);
}

/** Puts back the nginx site saved by breakNginxConfig. */
export async function repairNginxConfig(name: string): Promise<void> {
  const site = NGINX_SITE[labHost(name).role];
  await runInHost(name, `mv ${site}.lab-backup ${site}`);
}

/** Gives the host a new SSH host key and restarts sshd; the pinned known_hosts no longer matches. */
export async function changeHostKey(name: string): Promise<string> {
  return (
    await runInHost(
      name,
      "rm -f /etc/ssh/ssh_host_ed25519_key* && ssh-keygen -q -t ed25519 -N '' -f /etc/ssh/ssh_host_ed25519_key && systemctl restart ssh.service && cat /etc/ssh/ssh_host_ed25519_key.pub",
    )
  ).trim();
}

/** Pins the host's current SSH host key in the lab known_hosts (after changeHostKey, to restore access). */
export async function pinCurrentHostKey(name: string): Promise<void> {
  const host = labHost(name);
  const key = (await runInHost(name, 'cat /etc/ssh/ssh_host_ed25519_key.pub')).trim();
  const others = readFileSync(LAB_FILES.knownHosts, 'utf8')
    .split('\n')
    .filter((line) => line && !line.startsWith(`${host.address},`));
  writeFileSync(LAB_FILES.knownHosts, `${[...others, knownHostsLine(host, key)].join('\n')}\n`);
}
