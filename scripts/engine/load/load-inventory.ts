// Loads an inventory file (waptops' own, or Ansible INI/YAML) into hosts with their connection settings, groups and vars.
import { type Problem, ValidationError } from '../../core/errors.js';
import { didYouMean } from '../../core/suggest.js';
import type { SshConfigFile } from '../../transport/ssh-config-file.js';
import { namesHost } from '../../transport/ssh-config-host.js';
import type { HostEntry, Inventory } from '../model.js';
import { InventorySchema } from '../schema/inventory-schema.js';
import { schemaProblems, sortProblems, yamlLocator } from '../schema/problems.js';
import { validatorOf } from '../schema/validators.js';
import { checkYamlText, readYamlFile } from '../schema/yaml-limits.js';
import {
  formatPath,
  keyPositionOf,
  parseYamlSource,
  positionInString,
  positionOf,
  sourceData,
  type YamlSource,
} from '../schema/yaml-source.js';
import { parseAnsibleIni } from './ansible-ini.js';
import { ansibleInventory } from './ansible-inventory.js';
import { isAnsibleYaml, readAnsibleYaml } from './ansible-yaml.js';
import { besideInventory, connectionFields } from './connection-settings.js';
import { groupMembers, groupProblems, precedenceOrder, type RawGroup } from './inventory-groups.js';

/** Host selection works on a loaded inventory; re-exported for callers of the loader. */

interface RawSettings {
  user?: string;
  port?: number;
  identity_file?: string;
  known_hosts?: string;
  host_key_policy?: 'strict' | 'accept-new';
  become?: boolean | string;
  connect_timeout?: number;
  jump?: string;
}
interface RawHost extends RawSettings {
  address?: string;
  connection?: 'ssh' | 'local';
  vars?: Record<string, unknown>;
}
interface RawInventory {
  defaults?: RawSettings;
  vars?: Record<string, unknown>;
  hosts: Record<string, RawHost | null>;
  groups?: Record<string, RawGroup>;
}

/** True when a jump names an inventory host rather than `user@host:port`. */
const jumpIsHostName = (jump: string) => !/[@:]/.test(jump);

/** The jump a host uses: its own, else the default (never itself). */
function jumpOf(inv: RawInventory, name: string): string | undefined {
  const jump = inv.hosts[name]?.jump ?? inv.defaults?.jump;
  return jump === name ? undefined : jump;
}

/** True when the ssh config has a `Host` line for `name` itself (an alias it knows). */
function isSshAlias(sshConfig: SshConfigFile | undefined, name: string): boolean {
  return sshConfig !== undefined && namesHost(sshConfig, name);
}

function hostProblems(src: YamlSource, inv: RawInventory, sshConfig: SshConfigFile | undefined): Problem[] {
  const out: Problem[] = [];
  const names = Object.keys(inv.hosts);
  const at = (path: (string | number)[], message: string) => ({
    pos: positionOf(src, path),
    path: formatPath(path),
    message,
  });
  // Each hop of a jump chain is an inventory host, an ssh config alias, or `user@host:port`.
  const unknownHops = (jump: string, path: (string | number)[]) => {
    for (const hop of jump.split(',')) {
      if (jumpIsHostName(hop) && !names.includes(hop) && !isSshAlias(sshConfig, hop)) {
        out.push({
          pos: positionInString(src, path, hop),
          path: formatPath(path),
          message: `unknown host '${hop}'${didYouMean(hop, names)}`,
        });
      }
    }
  };
  if (inv.defaults?.jump) unknownHops(inv.defaults.jump, ['defaults', 'jump']);
  for (const [name, host] of Object.entries(inv.hosts)) {
    const jump = host?.jump;
    if (!jump) continue;
    unknownHops(jump, ['hosts', name, 'jump']);
    if (!jumpIsHostName(jump) || jump.includes(',')) continue;
    const chain = [name];
    for (let next: string | undefined = jump; next && jumpIsHostName(next); next = jumpOf(inv, next)) {
      if (chain.includes(next)) {
        out.push(at(['hosts', name, 'jump'], `jump cycle: ${[...chain, next].join(' -> ')}`));
        break;
      }
      chain.push(next);
    }
  }
  return out;
}

function buildHost(
  src: YamlSource,
  inv: RawInventory,
  name: string,
  groupsInOrder: string[],
  members: Map<string, Set<string>>,
  sshConfig: SshConfigFile | undefined,
): HostEntry {
  const host = inv.hosts[name] ?? {};
  const d = inv.defaults ?? {};
  const groups = groupsInOrder.filter((g) => members.get(g)?.has(name));
  const vars = Object.assign({}, inv.vars, ...groups.map((g) => inv.groups?.[g]?.vars ?? {}), host.vars);
  const connection = host.connection ?? 'ssh';
  const written = {
    address: host.address ?? (connection === 'local' ? '127.0.0.1' : undefined),
    port: host.port ?? d.port,
    user: host.user ?? d.user,
    identityFile: besideInventory(src.file, host.identity_file ?? d.identity_file),
    knownHosts: besideInventory(src.file, host.known_hosts ?? d.known_hosts),
    hostKeyPolicy: host.host_key_policy ?? d.host_key_policy,
    connectTimeout: host.connect_timeout ?? d.connect_timeout,
    jump: jumpOf(inv, name),
  };
  return {
    name,
    connection,
    ...connectionFields(name, written, connection === 'ssh' ? sshConfig : undefined),
    become: host.become ?? d.become ?? false,
    vars,
    groups,
    pos: keyPositionOf(src, ['hosts', name]),
  };
}

/** How to load an inventory: the OpenSSH client config that fills what the inventory leaves unset. */
export interface InventoryOptions {
  sshConfig?: SshConfigFile;
}

/**
 * Parses and validates YAML inventory text, waptops' own or Ansible's (by its shape). Vars of waptops'
 * own merge as: inventory `vars` < group vars (parents before children, then by name) < host vars.
 * `all` is the implicit group of every host.
 */
export function parseInventory(file: string, text: string, options: InventoryOptions = {}): Inventory {
  const src = parseYamlSource(file, text);
  const data: unknown = sourceData(src);
  if (data === null || data === undefined) {
    throw new ValidationError([
      { pos: positionOf(src, []), path: '', message: 'empty file: an inventory needs hosts' },
    ]);
  }
  if (isAnsibleYaml(data)) {
    return ansibleInventory(readAnsibleYaml(src, data as Record<string, unknown>), options.sshConfig);
  }
  const validateInventoryShape = validatorOf('plain', InventorySchema);
  if (!validateInventoryShape(data)) {
    throw new ValidationError(
      sortProblems(schemaProblems(yamlLocator(src), validateInventoryShape.errors ?? [])),
    );
  }
  const inv = data as RawInventory;
  const groups = inv.groups ?? {};
  const hostNames = Object.keys(inv.hosts);
  const { sshConfig } = options;
  const problems = [...hostProblems(src, inv, sshConfig), ...groupProblems(src, hostNames, groups)];
  if (problems.length > 0) throw new ValidationError(sortProblems(problems));
  const members = new Map(Object.keys(groups).map((g) => [g, groupMembers(groups, g)]));
  const order = precedenceOrder(groups);
  const hosts = new Map(
    hostNames.map((name) => [name, buildHost(src, inv, name, order, members, sshConfig)]),
  );
  const groupMap = new Map<string, string[]>([['all', hostNames]]);
  for (const [g, set] of members)
    groupMap.set(
      g,
      hostNames.filter((h) => set.has(h)),
    );
  return { file, hosts, groups: groupMap, ...(sshConfig ? { sshConfig } : {}) };
}

/** True for a file read as an Ansible INI inventory: anything not named .yml, .yaml or .json. */
export function isIniInventory(file: string): boolean {
  return !/\.(ya?ml|json)$/i.test(file);
}

/**
 * Reads and validates an inventory file: waptops YAML, Ansible YAML (by its shape) or Ansible INI (by its
 * name); every problem is reported at once as a ValidationError.
 */
export function loadInventory(file: string, options: InventoryOptions = {}): Inventory {
  const text = readYamlFile(file, 'inventory');
  if (isIniInventory(file)) {
    checkYamlText(file, text);
    return ansibleInventory(parseAnsibleIni(file, text), options.sshConfig);
  }
  return parseInventory(file, text, options);
}
