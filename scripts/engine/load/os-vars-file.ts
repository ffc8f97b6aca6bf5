// The name of the per-OS values file beside the playbooks, apart from its loader so listing costs no schema.

/** `playbooks/os-vars.yml`: not a playbook, the per-OS values every playbook reads. */
export const OS_VARS_FILE = 'os-vars.yml';
