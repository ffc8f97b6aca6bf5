// The lab network: a bridge on the controller and, per host, a network namespace joined to it by a veth.

import { BRIDGE, type LabHost } from './config.js';
import { sh } from './shell.js';

const LAB_PREFIX = 'wlab';

/** Creates the bridge with the controller's lab address (idempotent). */
export async function ensureBridge(): Promise<void> {
  if ((await sh({ nothrow: true })`ip link show ${BRIDGE.name}`).exitCode !== 0) {
    await sh`ip link add ${BRIDGE.name} type bridge`;
  }
  await sh({ nothrow: true })`ip addr add ${`${BRIDGE.address}/${BRIDGE.prefix}`} dev ${BRIDGE.name}`;
  await sh`ip link set ${BRIDGE.name} up`;
}

/** Creates the host's namespace and veth (host side `host0`), addressed and up. */
export async function createHostNetwork(host: LabHost): Promise<void> {
  await sh`ip netns add ${host.netns}`;
  await sh`ip link add ${host.veth} type veth peer name host0 netns ${host.netns}`;
  await sh`ip link set ${host.veth} master ${BRIDGE.name} up`;
  await sh`ip -n ${host.netns} addr add ${`${host.address}/${BRIDGE.prefix}`} dev host0`;
  await sh`ip -n ${host.netns} link set lo up`;
  await sh`ip -n ${host.netns} link set host0 up`;
  await sh`ip -n ${host.netns} route add default via ${BRIDGE.address}`;
}

/** Names of lab namespaces and links present now (found by prefix, for cleanup after a crash). */
export async function findLabNetwork(): Promise<{ namespaces: string[]; links: string[] }> {
  const namespaces = (await sh`ip netns list`).stdout
    .split('\n')
    .map((line) => line.split(' ')[0] ?? '')
    .filter((name) => name.startsWith(`${LAB_PREFIX}-`));
  const links = (JSON.parse((await sh`ip -j link show`).stdout) as { ifname: string }[])
    .map((link) => link.ifname)
    .filter((name) => name.startsWith(LAB_PREFIX));
  return { namespaces, links };
}

/** Deletes every lab namespace, veth and the bridge. */
export async function removeLabNetwork(): Promise<void> {
  const { namespaces, links } = await findLabNetwork();
  for (const name of namespaces) await sh`ip netns delete ${name}`;
  for (const name of links.filter((link) => link !== BRIDGE.name))
    await sh({ nothrow: true })`ip link delete ${name}`;
  if (links.includes(BRIDGE.name)) await sh`ip link delete ${BRIDGE.name}`;
}

/** Sets the controller side of a host's veth down (cut) or up (restore). */
export async function setHostLink(host: LabHost, up: boolean): Promise<void> {
  await sh`ip link set ${host.veth} ${up ? 'up' : 'down'}`;
}

/** Deletes the host's namespace and veth (and with them any rule or address a test put there). */
export async function removeHostNetwork(host: LabHost): Promise<void> {
  await sh({ nothrow: true })`ip netns delete ${host.netns}`;
  await sh({ nothrow: true })`ip link delete ${host.veth}`;
}
