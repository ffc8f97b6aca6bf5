// The operating system from /etc/os-release, with the family the runbooks branch on.
import { raw } from '../transport/command.js';
import { factFailure, keyValueLines, requireSuccess } from './parse.js';
import type { Fact } from './types.js';

/** Which procedure variant applies: Debian-like or RHEL-like systems, or neither. */
export type OsFamily = 'debian' | 'rhel' | 'other';

/** What /etc/os-release says about the system. */
export interface OsInfo {
  id: string;
  id_like: string[];
  version_id: string;
  name: string;
  pretty_name: string;
  family: OsFamily;
}

const debianLike = new Set(['debian', 'ubuntu', 'linuxmint', 'raspbian']);
const rhelLike = new Set(['rhel', 'centos', 'fedora', 'rocky', 'almalinux', 'ol']);

/** Unquotes one os-release value (shell-style double or single quotes, backslash escapes). */
function unquote(value: string): string {
  const v = value.trim();
  if (v.length >= 2 && v.startsWith('"') && v.endsWith('"'))
    return v.slice(1, -1).replace(/\\(["\\$`])/g, '$1');
  if (v.length >= 2 && v.startsWith("'") && v.endsWith("'")) return v.slice(1, -1);
  return v;
}

/** The family from ID first, then ID_LIKE in order. */
export function osFamily(id: string, idLike: string[]): OsFamily {
  for (const name of [id, ...idLike]) {
    if (debianLike.has(name)) return 'debian';
    if (rhelLike.has(name)) return 'rhel';
  }
  return 'other';
}

/** The host's operating system (`facts.os.family`, `facts.os.version_id`, ...). */
export const osFact: Fact<OsInfo> = {
  key: 'os',
  command: raw('cat /etc/os-release 2>/dev/null || cat /usr/lib/os-release'),
  parse(result) {
    requireSuccess('os', result);
    const fields = new Map([...keyValueLines(result.stdout)].map(([k, v]) => [k, unquote(v)]));
    const id = fields.get('ID');
    if (!id) factFailure('os', result, 'os-release has no ID');
    const idLike = (fields.get('ID_LIKE') ?? '').split(/\s+/).filter(Boolean);
    return {
      id,
      id_like: idLike,
      version_id: fields.get('VERSION_ID') ?? '',
      name: fields.get('NAME') ?? id,
      pretty_name: fields.get('PRETTY_NAME') ?? fields.get('NAME') ?? id,
      family: osFamily(id, idLike),
    };
  },
};
