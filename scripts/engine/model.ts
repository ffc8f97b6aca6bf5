// The loaded, validated shapes of playbooks and inventories, with source positions kept.
import type { SourcePosition } from '../core/errors.js';
import type { SshConfigFile } from '../transport/ssh-config-file.js';

/** A JSON Schema of one playbook input; `secret`, `env` and `description` are waptops keywords. */
export interface ParamSpec {
  type?: string;
  default?: unknown;
  description?: string;
  /** Never printed; never accepted from `-e`; read from `env`, `--secret-file` or a hidden prompt. */
  secret?: boolean;
  /** Environment variable a secret (or any param) is read from. */
  env?: string;
  /** A group name: exactly one of the params sharing it must be given. */
  one_of?: string;
  [keyword: string]: unknown;
}

/** One step of a playbook as written, with its position for error messages. */
export interface Step {
  name: string;
  id?: string;
  action: string;
  with: Record<string, unknown>;
  when?: string;
  retries: number;
  /** Seconds between tries. */
  delay: number;
  until?: string;
  become?: boolean | string;
  /** Seconds. */
  timeout?: number;
  ignore_errors: boolean;
  changed_when?: boolean | string;
  failed_when?: string;
  /** Runs the step's changes as one detached job on the host, re-attached after a lost connection. */
  detach: boolean;
  pos: SourcePosition;
  /** Position of a key under `with` (e.g. ['port']), falling back to the step. */
  posOf(path: (string | number)[]): SourcePosition;
}

/** A validated playbook. */
export interface Playbook {
  name: string;
  description: string;
  file: string;
  hosts: string;
  confirm: boolean;
  /** `continue`: an unreachable host still runs its controller-side steps (the others are skipped). */
  onUnreachable: 'stop' | 'continue';
  /** Journaled on the host: a failure rolls every change back, a re-run resumes an interrupted run. */
  transaction: boolean;
  params: Record<string, ParamSpec>;
  vars: Record<string, unknown>;
  /**
   * Defaults by OS family (`debian`, `rhel`) read as vars below the playbook's and the inventory's: the
   * runbooks' per-OS paths, users and files, from os-vars.yml beside the playbook.
   */
  osVars: Record<string, Record<string, unknown>>;
  steps: Step[];
  rescue: Step[];
}

/** How to reach one host. */
export interface HostEntry {
  name: string;
  connection: 'ssh' | 'local';
  address: string;
  port: number;
  user: string;
  identityFile?: string;
  knownHosts?: string;
  hostKeyPolicy: 'strict' | 'accept-new';
  /** Default become for every step on this host. */
  become: boolean | string;
  connectTimeout: number;
  /** ProxyJump: a comma chain of inventory host names or `[user@]host[:port]`, the first hop first. */
  jump?: string;
  vars: Record<string, unknown>;
  groups: string[];
  pos: SourcePosition;
}

/** A validated inventory: hosts and the group tree flattened to member lists. */
export interface Inventory {
  file: string;
  hosts: Map<string, HostEntry>;
  /** Group name -> host names (children expanded). */
  groups: Map<string, string[]>;
  /** The OpenSSH client config the hosts were completed from; also applied to jump hosts outside the inventory. */
  sshConfig?: SshConfigFile;
}
