// Ansible inventory variables: where each was written, which `ansible_*` ones waptops maps, and their checks.
import type { Problem, SourcePosition } from '../../core/errors.js';
import { shellWords } from './shell-words.js';

/** One variable as an Ansible inventory wrote it. */
export interface AnsibleVar {
  value: unknown;
  pos: SourcePosition;
  /** An Ansible Vault value (`!vault` or `$ANSIBLE_VAULT;`). */
  vault?: boolean;
}

/** Variables by name, in the order they were written. */
export type VarMap = Map<string, AnsibleVar>;

/** A group of an Ansible inventory: its own hosts, child groups and variables. */
export interface AnsibleGroup {
  hosts: string[];
  children: string[];
  vars: VarMap;
}

/** An Ansible inventory file read into hosts (with their inline vars) and groups. */
export interface AnsibleSource {
  file: string;
  hosts: Map<string, { vars: VarMap; pos: SourcePosition }>;
  groups: Map<string, AnsibleGroup>;
  problems: Problem[];
}

/** The connection settings the `ansible_*` variables of one host give. */
export interface AnsibleSettings {
  connection?: 'ssh' | 'local';
  address?: string;
  user?: string;
  port?: number;
  identityFile?: string;
  knownHosts?: string;
  hostKeyPolicy?: 'strict' | 'accept-new';
  connectTimeout?: number;
  jump?: string;
  become?: boolean;
  becomeUser?: string;
}

/** An empty group. */
export function newGroup(): AnsibleGroup {
  return { hosts: [], children: [], vars: new Map() };
}

const TRUE = /^(true|yes|on|1)$/i;
const FALSE = /^(false|no|off|0)$/i;

function bool(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if ((typeof v === 'string' || typeof v === 'number') && TRUE.test(String(v))) return true;
  if ((typeof v === 'string' || typeof v === 'number') && FALSE.test(String(v))) return false;
  return undefined;
}

function text(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : typeof v === 'number' ? String(v) : undefined;
}

function port(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : Number.NaN;
  return Number.isInteger(n) && n >= 1 && n <= 65535 ? n : undefined;
}

type Apply = (v: unknown, out: AnsibleSettings) => string | undefined;

/** A variable read by `parse` (undefined: `reason`) and stored by `set`. */
function setter<T>(
  parse: (v: unknown) => T | undefined,
  reason: string,
  set: (o: AnsibleSettings, v: T) => void,
): Apply {
  return (v, out) => {
    const parsed = parse(v);
    if (parsed === undefined) return reason;
    set(out, parsed);
    return undefined;
  };
}

const needText = (set: (o: AnsibleSettings, v: string) => void) =>
  setter(text, 'expected a non-empty string', set);
const needPort = (set: (o: AnsibleSettings, v: number) => void) =>
  setter(port, 'expected a port number from 1 to 65535', set);

/** The `-o Key=value` and `-J` options of ansible_ssh_common_args / ansible_ssh_extra_args that waptops maps. */
function sshArgs(v: unknown, out: AnsibleSettings): string | undefined {
  if (typeof v !== 'string') return 'expected a string of ssh options';
  const words = shellWords(v);
  if (words === undefined) return 'unbalanced quotes';
  const options: [string, string][] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i] as string;
    if (w === '-J' || w === '-o') options.push([w, words[++i] ?? '']);
    else if (w.startsWith('-J') || w.startsWith('-o')) options.push([w.slice(0, 2), w.slice(2)]);
    else
      return `ssh option '${w}' is not supported by waptops (only -o ProxyJump/ProxyCommand "ssh -W %h:%p HOST"/StrictHostKeyChecking/UserKnownHostsFile/ConnectTimeout and -J)`;
  }
  for (const [flag, arg] of options) {
    const [key = '', value = ''] = flag === '-J' ? ['proxyjump', arg] : splitOption(arg);
    const problem = sshOption(key, value, out);
    if (problem) return problem;
  }
  return undefined;
}

function splitOption(arg: string): [string, string] {
  const m = /^([A-Za-z]+)\s*(?:=\s*|\s+)(.*)$/.exec(arg);
  return m ? [(m[1] as string).toLowerCase(), m[2] as string] : [arg.toLowerCase(), ''];
}

/** One ssh `-o` option; the first one given wins, as in ssh. */
function sshOption(key: string, value: string, out: AnsibleSettings): string | undefined {
  if (key === 'proxyjump') out.jump ??= value;
  else if (key === 'proxycommand') {
    // The classic jump: ssh -W %h:%p [-q] [-p PORT] [-l USER] [USER@]HOST.
    const w = shellWords(value) ?? [];
    const m = /^ssh (?:-q )?-W \[?%h\]?:%p (?:-q )?(?:-p (\d+) )?(?:-l (\S+) )?([^\s-]\S*)$/.exec(
      w.join(' '),
    );
    if (!m) return 'this ProxyCommand is not supported by waptops: use ProxyJump (-J host)';
    const [, p, user, host = ''] = m;
    out.jump ??= `${user && !host.includes('@') ? `${user}@` : ''}${host}${p ? `:${p}` : ''}`;
  } else if (key === 'stricthostkeychecking') {
    if (/^(yes|ask)$/i.test(value)) out.hostKeyPolicy ??= 'strict';
    else if (/^(accept-new|no|off)$/i.test(value)) out.hostKeyPolicy ??= 'accept-new';
    else return `StrictHostKeyChecking=${value}: expected yes, accept-new or no`;
  } else if (key === 'userknownhostsfile') out.knownHosts ??= value.split(/\s+/)[0];
  else if (key === 'connecttimeout') {
    if (!/^\d+$/.test(value) || Number(value) < 1) return `ConnectTimeout=${value}: expected seconds`;
    out.connectTimeout ??= Number(value);
  } else return `ssh option '${key}' is not supported by waptops`;
  return undefined;
}

/** The `ansible_*` variables waptops maps, and how each sets the host's connection. */
const MAPPED: Record<string, Apply> = {
  // The old ansible_ssh_* spellings first, so the current names win when both are set.
  ansible_ssh_host: needText((o, v) => {
    o.address = v;
  }),
  ansible_host: needText((o, v) => {
    o.address = v;
  }),
  ansible_ssh_user: needText((o, v) => {
    o.user = v;
  }),
  ansible_user: needText((o, v) => {
    o.user = v;
  }),
  ansible_ssh_port: needPort((o, v) => {
    o.port = v;
  }),
  ansible_port: needPort((o, v) => {
    o.port = v;
  }),
  ansible_ssh_private_key_file: needText((o, v) => {
    o.identityFile = v;
  }),
  ansible_become: setter(bool, 'expected true or false', (o, v) => {
    o.become = v;
  }),
  ansible_become_user: needText((o, v) => {
    o.becomeUser = v;
  }),
  ansible_become_method: (v) => (v === 'sudo' ? undefined : 'waptops becomes another user with sudo only'),
  ansible_connection: (v, o) => {
    if (v === 'local') o.connection = 'local';
    else if (v === 'ssh' || v === 'smart') o.connection = 'ssh';
    else return `connection '${String(v)}' is not supported by waptops (ssh or local)`;
    return undefined;
  },
  ansible_timeout: setter(port, 'expected the connection timeout in seconds', (o, v) => {
    o.connectTimeout = v;
  }),
  // Common args first: ssh keeps the first value of an option.
  ansible_ssh_common_args: sshArgs,
  ansible_ssh_extra_args: sshArgs,
  // waptops runs no Python on hosts: the interpreter has nothing to choose.
  ansible_python_interpreter: () => undefined,
};

/** Names of the `ansible_*` variables waptops understands (README lists them). */
const MAPPED_ANSIBLE_VARS = Object.keys(MAPPED);

/** One problem per variable that cannot be used: an unsupported `ansible_*`, a vault value, a bad value. */
export function varProblems(vars: VarMap): Problem[] {
  const out: Problem[] = [];
  for (const [name, v] of vars) {
    const problem = (message: string) => out.push({ pos: v.pos, path: name, message });
    if (v.vault) {
      problem('an Ansible Vault value: waptops cannot decrypt vault; give secrets as playbook secret params');
    } else if (name.startsWith('ansible_')) {
      const apply = MAPPED[name];
      if (!apply) problem('not supported by waptops (README lists the ansible_* variables it maps)');
      else if (typeof v.value === 'string' && v.value.includes('{{'))
        problem('a Jinja template: waptops does not evaluate {{ }} in inventories');
      else {
        const reason = apply(v.value, {});
        if (reason) problem(reason);
      }
    }
  }
  return out;
}

/** The connection settings of a host from its merged (already checked) variables. */
export function ansibleSettings(vars: Map<string, unknown>): AnsibleSettings {
  const out: AnsibleSettings = {};
  for (const name of MAPPED_ANSIBLE_VARS) if (vars.has(name)) MAPPED[name]?.(vars.get(name), out);
  return out;
}
