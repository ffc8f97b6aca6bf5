// The registry of actions a playbook step may name.

import { certQuarantineAction } from './cert-quarantine.js';
import { commandAction } from './command.js';
import { copyAction } from './copy.js';
import { fileAction } from './file.js';
import { fstabAction } from './fstab.js';
import { httpAction } from './http.js';
import { iniAction } from './ini.js';
import { logsAction } from './logs.js';
import { migrationPreflightAction } from './migration-preflight.js';
import { mountAction } from './mount.js';
import { moveAction } from './move.js';
import { repoLintAction } from './repo-lint.js';
import { scriptAction } from './script.js';
import { secretFileAction } from './secret-file.js';
import { serviceAction } from './service.js';
import { servicesAction } from './services.js';
import { shellAction } from './shell.js';
import { signingPairAction } from './signing-pair.js';
import { tcpAction } from './tcp.js';
import { treeCopyAction } from './tree-copy.js';
import type { Action } from './types.js';
import { verdictAction } from './verdict.js';
import { waitAction } from './wait.js';
import { waptPackageAction } from './wapt-package.js';
import { waptPasswordAction } from './wapt-password.js';

/** Every action by the name used in `action:`. */
export const actions: Record<string, Action> = Object.fromEntries(
  [
    commandAction,
    shellAction,
    scriptAction,
    serviceAction,
    fileAction,
    copyAction,
    iniAction,
    fstabAction,
    mountAction,
    tcpAction,
    httpAction,
    waitAction,
    logsAction,
    waptPasswordAction,
    verdictAction,
    repoLintAction,
    waptPackageAction,
    certQuarantineAction,
    signingPairAction,
    secretFileAction,
    treeCopyAction,
    servicesAction,
    moveAction,
    migrationPreflightAction,
  ].map((a) => [a.name, a as unknown as Action]),
);
