// The registry of actions a playbook step may name.
import { commandAction, shellAction } from './command.js';
import { copyAction } from './copy.js';
import { fileAction } from './file.js';
import { fstabAction } from './fstab.js';
import { iniAction } from './ini.js';
import { logsAction } from './logs.js';
import { migrationPreflightAction } from './migrate-preflight.js';
import { mountAction } from './mount.js';
import { moveAction } from './move.js';
import { httpAction, tcpAction } from './net.js';
import { serviceAction } from './service.js';
import { servicesAction } from './services.js';
import { treeCopyAction } from './tree-copy.js';
import type { Action } from './types.js';
import { verdictAction } from './verdict.js';
import { waitAction } from './wait.js';
import { waptPasswordAction } from './wapt.js';
import { certQuarantineAction } from './wapt-certs.js';
import { repoLintAction } from './wapt-lint.js';
import { waptPackageAction } from './wapt-package.js';
import { secretFileAction, signingPairAction } from './wapt-signing.js';

/** Every action by the name used in `action:`. */
export const actions: Record<string, Action> = Object.fromEntries(
  [
    commandAction,
    shellAction,
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
