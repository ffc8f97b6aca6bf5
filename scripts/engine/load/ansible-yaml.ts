// An Ansible YAML inventory (`all:` / groups with hosts, children, vars) read into groups, hosts and variables.
import { isScalar, visit } from 'yaml';
import type { Problem } from '../../core/errors.js';
import {
  formatPath,
  type KeyPath,
  keyPositionOf,
  positionOfOffset,
  type YamlSource,
} from '../schema/yaml-source.js';
import { type AnsibleGroup, type AnsibleSource, newGroup, type VarMap } from './ansible-vars.js';
import { expandHostRange } from './host-ranges.js';

const GROUP_KEYS = ['hosts', 'children', 'vars'];

const isMapping = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** True when YAML data is shaped as an Ansible inventory: groups of hosts/children/vars, not waptops' own keys. */
export function isAnsibleYaml(data: unknown): boolean {
  if (!isMapping(data) || Object.keys(data).length === 0) return false;
  if (['hosts', 'defaults', 'groups'].some((k) => Object.hasOwn(data, k))) return false;
  return Object.values(data).every(
    (g) => g === null || (isMapping(g) && Object.keys(g).every((k) => GROUP_KEYS.includes(k))),
  );
}

/** Problems at every `!vault` value of a YAML file, at the key that holds it. */
export function vaultProblems(src: YamlSource): Problem[] {
  const out: Problem[] = [];
  const message =
    'an Ansible Vault value: waptops cannot decrypt vault; give secrets as playbook secret params';
  visit(src.doc, {
    Pair(_key, pair) {
      if (!isScalar(pair.value) || pair.value.tag !== '!vault') return;
      const key = isScalar(pair.key) ? pair.key : undefined;
      out.push({
        pos: positionOfOffset(src, key?.range?.[0] ?? pair.value.range?.[0] ?? 0),
        path: String(key?.value ?? ''),
        message,
      });
    },
    Seq(_key, seq) {
      for (const item of seq.items) {
        if (isScalar(item) && item.tag === '!vault')
          out.push({ pos: positionOfOffset(src, item.range?.[0] ?? 0), path: '', message });
      }
    },
  });
  return out;
}

/** The variables of a YAML mapping at `path`, each at its key's position. */
export function yamlVars(src: YamlSource, data: Record<string, unknown>, path: KeyPath): VarMap {
  return new Map(
    Object.entries(data).map(([name, value]) => [name, { value, pos: keyPositionOf(src, [...path, name]) }]),
  );
}

/** Reads parsed Ansible YAML data (see isAnsibleYaml) into an AnsibleSource. */
export function readAnsibleYaml(src: YamlSource, data: Record<string, unknown>): AnsibleSource {
  const out: AnsibleSource = {
    file: src.file,
    hosts: new Map(),
    groups: new Map(),
    problems: vaultProblems(src),
  };
  const problem = (path: KeyPath, message: string) =>
    out.problems.push({ pos: keyPositionOf(src, path), path: formatPath(path), message });
  const group = (name: string): AnsibleGroup => {
    let g = out.groups.get(name);
    if (!g) {
      g = newGroup();
      out.groups.set(name, g);
    }
    return g;
  };
  const readHosts = (g: AnsibleGroup, hosts: unknown, path: KeyPath) => {
    if (hosts === null || hosts === undefined) return;
    if (!isMapping(hosts))
      return problem(path, 'hosts must be a mapping of host names (each followed by a colon)');
    for (const [pattern, vars] of Object.entries(hosts)) {
      const at = [...path, pattern];
      if (vars !== null && !isMapping(vars)) {
        problem(at, 'a host takes a mapping of variables (or nothing)');
        continue;
      }
      const expanded = expandHostRange(pattern);
      if ('error' in expanded) {
        problem(at, expanded.error);
        continue;
      }
      for (const name of expanded.names) {
        const host = out.hosts.get(name) ?? { vars: new Map(), pos: keyPositionOf(src, at) };
        for (const [k, v] of yamlVars(src, vars ?? {}, at)) host.vars.set(k, v);
        out.hosts.set(name, host);
        if (!g.hosts.includes(name)) g.hosts.push(name);
      }
    }
  };
  const readGroup = (name: string, data: unknown, path: KeyPath) => {
    const g = group(name);
    if (data === null || data === undefined) return;
    if (!isMapping(data)) return problem(path, 'a group must be a mapping with hosts, children and vars');
    for (const key of Object.keys(data)) {
      if (!GROUP_KEYS.includes(key))
        problem([...path, key], `unknown key '${key}' in a group (hosts, children, vars)`);
    }
    readHosts(g, data.hosts, [...path, 'hosts']);
    if (data.vars !== null && data.vars !== undefined) {
      if (!isMapping(data.vars)) problem([...path, 'vars'], 'vars must be a mapping');
      else for (const [k, v] of yamlVars(src, data.vars, [...path, 'vars'])) g.vars.set(k, v);
    }
    if (data.children !== null && data.children !== undefined) {
      if (!isMapping(data.children))
        return problem([...path, 'children'], 'children must be a mapping of groups');
      for (const [child, childData] of Object.entries(data.children)) {
        if (!g.children.includes(child)) g.children.push(child);
        readGroup(child, childData, [...path, 'children', child]);
      }
    }
  };
  group('all');
  for (const [name, g] of Object.entries(data)) {
    readGroup(name, g, [name]);
    if (name !== 'all' && !group('all').children.includes(name)) group('all').children.push(name);
  }
  group('ungrouped');
  if (!group('all').children.includes('ungrouped')) group('all').children.push('ungrouped');
  return out;
}
