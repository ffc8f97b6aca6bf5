// The group tree of an inventory: reference checks, cycles, members and var precedence order.
import type { Problem } from '../../core/errors.js';
import { didYouMean } from '../../core/suggest.js';
import { formatPath, keyPositionOf, positionOf, type YamlSource } from '../schema/yaml-source.js';

/** A group as written in the inventory (after schema validation). */
export interface RawGroup {
  hosts?: string[];
  children?: string[];
  vars?: Record<string, unknown>;
}

/** Problems in the group tree: unknown hosts or children, name clashes, cycles. */
export function groupProblems(
  src: YamlSource,
  hostNames: string[],
  groups: Record<string, RawGroup>,
): Problem[] {
  const out: Problem[] = [];
  const groupNames = Object.keys(groups);
  for (const [name, group] of Object.entries(groups)) {
    const at = ['groups', name];
    if (name === 'all') {
      out.push({
        pos: keyPositionOf(src, at),
        path: formatPath(at),
        message: "'all' is the implicit group of every host; put its vars under the top-level `vars`",
      });
    } else if (hostNames.includes(name)) {
      out.push({
        pos: keyPositionOf(src, at),
        path: formatPath(at),
        message: `'${name}' is both a host and a group`,
      });
    }
    for (const [i, host] of (group.hosts ?? []).entries()) {
      if (hostNames.includes(host)) continue;
      const path = [...at, 'hosts', i];
      out.push({
        pos: positionOf(src, path),
        path: formatPath(path),
        message: `unknown host '${host}'${didYouMean(host, hostNames)}`,
      });
    }
    for (const [i, child] of (group.children ?? []).entries()) {
      if (Object.hasOwn(groups, child)) continue;
      const path = [...at, 'children', i];
      out.push({
        pos: positionOf(src, path),
        path: formatPath(path),
        message: `unknown group '${child}'${didYouMean(child, groupNames)}`,
      });
    }
  }
  out.push(...cycleProblems(src, groups));
  return out;
}

function cycleProblems(src: YamlSource, groups: Record<string, RawGroup>): Problem[] {
  const out: Problem[] = [];
  const done = new Set<string>();
  const visit = (name: string, trail: string[]) => {
    if (done.has(name)) return;
    for (const [i, child] of (groups[name]?.children ?? []).entries()) {
      if (trail.includes(child)) {
        const path = ['groups', name, 'children', i];
        const loop = [...trail.slice(trail.indexOf(child)), child].join(' -> ');
        out.push({
          pos: positionOf(src, path),
          path: formatPath(path),
          message: `cycle in children: ${loop}`,
        });
      } else if (Object.hasOwn(groups, child)) visit(child, [...trail, child]);
    }
    done.add(name);
  };
  for (const name of Object.keys(groups)) visit(name, [name]);
  return out;
}

/** Every host of a group, its children's hosts included (cycles already reported are cut). */
export function groupMembers(
  groups: Record<string, RawGroup>,
  name: string,
  seen = new Set<string>(),
): Set<string> {
  const members = new Set(groups[name]?.hosts ?? []);
  seen.add(name);
  for (const child of groups[name]?.children ?? []) {
    if (!seen.has(child)) for (const h of groupMembers(groups, child, seen)) members.add(h);
  }
  return members;
}

/** Group names in var precedence order: parents before children (by depth), then by name. */
export function precedenceOrder(groups: Record<string, RawGroup>): string[] {
  const parents = new Map<string, string[]>();
  for (const [name, g] of Object.entries(groups)) {
    for (const child of g.children ?? []) parents.set(child, [...(parents.get(child) ?? []), name]);
  }
  const depth = new Map<string, number>();
  const depthOf = (name: string, trail: string[]): number => {
    const known = depth.get(name);
    if (known !== undefined) return known;
    const ps = (parents.get(name) ?? []).filter((p) => !trail.includes(p));
    const d = 1 + Math.max(0, ...ps.map((p) => depthOf(p, [...trail, name])));
    depth.set(name, d);
    return d;
  };
  const names = Object.keys(groups);
  for (const name of names) depthOf(name, []);
  return names.sort((a, b) => (depth.get(a) ?? 0) - (depth.get(b) ?? 0) || a.localeCompare(b));
}
