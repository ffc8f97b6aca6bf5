// An Ansible inventory (INI or YAML, with group_vars/ and host_vars/) as a waptops inventory: groups kept, ansible_* mapped.
import { type Problem, ValidationError } from '../../core/errors.js';
import type { SshConfigFile } from '../../transport/ssh-config-file.js';
import type { HostEntry, Inventory } from '../model.js';
import { sortProblems } from '../schema/problems.js';
import { fileVars } from './ansible-var-files.js';
import { type AnsibleSource, ansibleSettings, type VarMap, varProblems } from './ansible-vars.js';
import { besideInventory, connectionFields } from './connection-settings.js';
import { groupMembers, precedenceOrder } from './inventory-groups.js';

function merge(into: Map<string, unknown>, vars: VarMap | undefined): void {
  for (const [k, v] of vars ?? []) into.set(k, v.value);
}

/**
 * Builds the inventory. Variables merge as Ansible's precedence has them: the inventory file's group vars
 * (all first, parents before children, then by name) < group_vars/all < group_vars/<group> (same order)
 * < the inventory file's host vars < host_vars/<host>.
 */
export function ansibleInventory(src: AnsibleSource, sshConfig: SshConfigFile | undefined): Inventory {
  const problems: Problem[] = [...src.problems];
  const raw = Object.fromEntries(
    [...src.groups].map(([name, g]) => [name, { hosts: g.hosts, children: g.children }]),
  );
  const members = new Map([...src.groups.keys()].map((g) => [g, groupMembers(raw, g)]));
  const hostNames = [...src.hosts.keys()];
  for (const h of hostNames) members.get('all')?.add(h);
  // Ansible's `ungrouped`: the hosts of no group but all.
  const grouped = new Set(
    [...members].filter(([g]) => g !== 'all' && g !== 'ungrouped').flatMap(([, m]) => [...m]),
  );
  members.set('ungrouped', new Set(hostNames.filter((h) => !grouped.has(h))));
  const order = precedenceOrder(raw);
  const groupFiles = new Map(order.map((g) => [g, fileVars(src.file, 'group_vars', g, problems)]));
  const hostFiles = new Map(hostNames.map((h) => [h, fileVars(src.file, 'host_vars', h, problems)]));
  for (const g of src.groups.values()) problems.push(...varProblems(g.vars));
  for (const h of src.hosts.values()) problems.push(...varProblems(h.vars));
  for (const vars of [...groupFiles.values(), ...hostFiles.values()]) problems.push(...varProblems(vars));
  if (problems.length > 0) throw new ValidationError(sortProblems(dedupe(problems)));
  const hosts = new Map<string, HostEntry>();
  for (const [name, host] of src.hosts) {
    const groups = order.filter((g) => members.get(g)?.has(name));
    const vars = new Map<string, unknown>();
    for (const g of groups) merge(vars, src.groups.get(g)?.vars);
    for (const g of groups) merge(vars, groupFiles.get(g));
    merge(vars, host.vars);
    merge(vars, hostFiles.get(name));
    const s = ansibleSettings(vars);
    const connection = s.connection ?? 'ssh';
    const written = {
      ...s,
      address: s.address ?? (connection === 'local' ? '127.0.0.1' : undefined),
      identityFile: besideInventory(src.file, s.identityFile),
      knownHosts: besideInventory(src.file, s.knownHosts),
    };
    hosts.set(name, {
      name,
      connection,
      ...connectionFields(name, written, connection === 'ssh' ? sshConfig : undefined),
      become: s.become ? (s.becomeUser ?? true) : false,
      vars: Object.fromEntries([...vars].filter(([k]) => !k.startsWith('ansible_'))),
      groups: groups.filter((g) => g !== 'all' && g !== 'ungrouped'),
      pos: host.pos,
    });
  }
  const groupMap = new Map<string, string[]>([['all', hostNames]]);
  for (const [g, set] of members)
    if (g !== 'all')
      groupMap.set(
        g,
        hostNames.filter((h) => set.has(h)),
      );
  return { file: src.file, hosts, groups: groupMap, ...(sshConfig ? { sshConfig } : {}) };
}

/** A variable file read for several groups reports its problems once. */
function dedupe(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.pos?.file}:${p.pos?.line}:${p.pos?.col}:${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
