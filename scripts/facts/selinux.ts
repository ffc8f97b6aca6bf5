// SELinux mode from `getenforce`; `absent` where SELinux tools are not installed (Debian).
import { raw } from '../transport/command.js';
import { factFailure, requireSuccess } from './parse.js';
import type { Fact } from './types.js';

/** The SELinux mode, or `absent` when getenforce is not installed. */
export type SelinuxMode = 'enforcing' | 'permissive' | 'disabled' | 'absent';

const modes: readonly SelinuxMode[] = ['enforcing', 'permissive', 'disabled', 'absent'];

/** The SELinux mode (`facts.selinux == "enforcing"`). */
export const selinuxFact: Fact<SelinuxMode> = {
  key: 'selinux',
  command: raw('if command -v getenforce >/dev/null 2>&1; then getenforce; else echo Absent; fi'),
  parse(result) {
    requireSuccess('selinux', result);
    const mode = result.stdout.trim().toLowerCase() as SelinuxMode;
    if (!modes.includes(mode))
      factFailure('selinux', result, `unexpected getenforce output: ${result.stdout.trim()}`);
    return mode;
  },
};
