// The Makefile's runbook targets as help shows them: which target wraps a runbook and which make variable
// becomes which waptops option (test/unit/cli/runbook-help.test.ts runs each through make to keep them true).

/** A make target that wraps `waptops run RUNBOOK`. */
export interface MakeTarget {
  target: string;
  /** Make variables that become `--limit` (HOSTS: a pattern for many agents). */
  limit: ('HOST' | 'HOSTS')[];
  /** HOST must be given: the target refuses to run over every host. */
  hostRequired?: boolean;
  /** Make variable -> the param it sets with `-e`. */
  params: Record<string, string>;
  /** The target runs this waptops command instead of `run` (doctor). */
  command?: string;
  /** What else the target does. */
  note?: string;
}

/** Every runbook's make target, by runbook name. */
export const MAKE_TARGETS: Record<string, MakeTarget> = {
  health: { target: 'health', limit: ['HOST'], params: {} },
  'restart-nginx': { target: 'restart-nginx', limit: ['HOST'], params: {} },
  'check-443': { target: 'check-443', limit: ['HOST'], params: {} },
  'reset-admin-password': { target: 'reset-password', limit: ['HOST'], params: {} },
  'rerun-postconf': {
    target: 'postconf',
    limit: ['HOST'],
    params: {},
    note: "ARGS=--interactive attaches the terminal to postconf.sh's dialogs instead (waptops attach)",
  },
  'regenerate-cert': { target: 'regenerate-cert', limit: ['HOST'], params: {} },
  'upload-package': { target: 'upload-package', limit: ['HOST'], params: { PACKAGE: 'package' } },
  'remove-stolen-cert': {
    target: 'remove-stolen-cert',
    limit: ['HOSTS', 'HOST'],
    params: { CERT: 'cert', KEY: 'key', FINGERPRINT: 'fingerprint' },
  },
  'fix-duplicate-uuid': { target: 'fix-duplicate-uuid', limit: ['HOSTS', 'HOST'], params: {} },
  'deploy-signing-cert': {
    target: 'deploy-signing-cert',
    limit: ['HOSTS', 'HOST'],
    params: { CERT: 'cert' },
  },
  'rotate-signing-key': {
    target: 'rotate-signing-key',
    limit: ['HOST'],
    params: { CERT: 'cert', KEY: 'key', AGENTS_READY: 'agents_ready' },
  },
  'lint-repo': { target: 'lint-repo', limit: ['HOST'], params: {} },
  'migrate-repo': {
    target: 'migrate-repo',
    limit: ['HOST'],
    hostRequired: true,
    params: { DEVICE: 'device' },
  },
  'migrate-repo-finalize': {
    target: 'migrate-repo-finalize',
    limit: ['HOST'],
    hostRequired: true,
    params: {},
  },
  doctor: { target: 'doctor', limit: ['HOST'], hostRequired: true, params: {}, command: 'doctor' },
};
