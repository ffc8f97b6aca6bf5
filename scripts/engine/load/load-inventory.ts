// Loads an inventory file into hosts with their connection settings, groups and merged vars.
import { homedir, userInfo } from 'node:os';
import { dirname, resolve } from 'node:path';
import { type Problem, ValidationError } from '../../core/errors.js';
import { didYouMean } from '../../core/suggest.js';
import type { HostEntry, Inventory } from '../model.js';
import { InventorySchema } from '../schema/inventory-schema.js';
import { schemaProblems, sortProblems, yamlLocator } from '../schema/problems.js';
import { validatorOf } from '../schema/validators.js';
import { readYamlFile } from '../schema/yaml-limits.js';
import {
  formatPath,
  keyPositionOf,
  parseYamlSource,
  positionOf,
  sourceData,
  type YamlSource,
} from '../schema/yaml-source.js';
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

function hostProblems(src: YamlSource, inv: RawInventory): Problem[] {
  const out: Problem[] = [];
  const names = Object.keys(inv.hosts);
  const at = (path: (string | number)[], message: string) => ({
    pos: positionOf(src, path),
    path: formatPath(path),
    message,
  });
  const defaultJump = inv.defaults?.jump;
  if (defaultJump && jumpIsHostName(defaultJump) && !names.includes(defaultJump)) {
    out.push(at(['defaults', 'jump'], `unknown host '${defaultJump}'${didYouMean(defaultJump, names)}`));
  }
  for (const [name, host] of Object.entries(inv.hosts)) {
    if ((host?.connection ?? 'ssh') === 'ssh' && !host?.address) {
      out.push({
        pos: keyPositionOf(src, ['hosts', name]),
        path: formatPath(['hosts', name]),
        message: "missing required 'address' (or set `connection: local`)",
      });
    }
    const jump = host?.jump;
    if (!jump || !jumpIsHostName(jump)) continue;
    if (!names.includes(jump))
      out.push(at(['hosts', name, 'jump'], `unknown host '${jump}'${didYouMean(jump, names)}`));
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

/** `~` is the home directory; relative paths are relative to the inventory file. */
function resolvePath(file: string, p: string | undefined): string | undefined {
  if (p === undefined) return undefined;
  const expanded = p === '~' ? homedir() : p.startsWith('~/') ? `${homedir()}${p.slice(1)}` : p;
  return resolve(dirname(file), expanded);
}

function buildHost(
  src: YamlSource,
  inv: RawInventory,
  name: string,
  groupsInOrder: string[],
  members: Map<string, Set<string>>,
): HostEntry {
  const host = inv.hosts[name] ?? {};
  const d = inv.defaults ?? {};
  const groups = groupsInOrder.filter((g) => members.get(g)?.has(name));
  const vars = Object.assign({}, inv.vars, ...groups.map((g) => inv.groups?.[g]?.vars ?? {}), host.vars);
  const connection = host.connection ?? 'ssh';
  const entry: HostEntry = {
    name,
    connection,
    address: host.address ?? '127.0.0.1',
    port: host.port ?? d.port ?? 22,
    user: host.user ?? d.user ?? userInfo().username,
    hostKeyPolicy: host.host_key_policy ?? d.host_key_policy ?? 'strict',
    become: host.become ?? d.become ?? false,
    connectTimeout: host.connect_timeout ?? d.connect_timeout ?? 10,
    vars,
    groups,
    pos: keyPositionOf(src, ['hosts', name]),
  };
  const identityFile = resolvePath(src.file, host.identity_file ?? d.identity_file);
  const knownHosts = resolvePath(src.file, host.known_hosts ?? d.known_hosts);
  const jump = jumpOf(inv, name);
  if (identityFile) entry.identityFile = identityFile;
  if (knownHosts) entry.knownHosts = knownHosts;
  if (jump) entry.jump = jump;
  return entry;
}

/**
 * Parses and validates inventory text. Vars merge as: inventory `vars` < group vars (parents
 * before children, then by name) < host vars. `all` is the implicit group of every host.
 */
export function parseInventory(file: string, text: string): Inventory {
  const src = parseYamlSource(file, text);
  const data: unknown = sourceData(src);
  if (data === null || data === undefined) {
    throw new ValidationError([
      { pos: positionOf(src, []), path: '', message: 'empty file: an inventory needs hosts' },
    ]);
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
  const problems = [...hostProblems(src, inv), ...groupProblems(src, hostNames, groups)];
  if (problems.length > 0) throw new ValidationError(sortProblems(problems));
  const members = new Map(Object.keys(groups).map((g) => [g, groupMembers(groups, g)]));
  const order = precedenceOrder(groups);
  const hosts = new Map(hostNames.map((name) => [name, buildHost(src, inv, name, order, members)]));
  const groupMap = new Map<string, string[]>([['all', hostNames]]);
  for (const [g, set] of members)
    groupMap.set(
      g,
      hostNames.filter((h) => set.has(h)),
    );
  return { file, hosts, groups: groupMap };
}

/** Reads and validates an inventory file; every problem is reported at once as a ValidationError. */
export function loadInventory(file: string): Inventory {
  const text = readYamlFile(file, 'inventory');
  return parseInventory(file, text);
}
