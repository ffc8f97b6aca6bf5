// `waptops help [TOPIC]` and `waptops run RUNBOOK --help`: commander's help for commands, the runbook's own
// help (scripts/cli/runbook-help.ts) for runbooks.
import type { Command } from 'commander';
import { WaptopsError } from '../core/errors.js';
import { closest } from '../core/suggest.js';
import { loadPlaybook } from '../engine/load/load-playbook.js';
import { playbookPath, runbookNames } from './paths.js';
import { runbookHelp } from './runbook-help.js';

/** Prints the program's help, a command's help, or a runbook's help; an unknown topic is exit 1. */
export function helpCommand(program: Command, topic: string | undefined): void {
  if (topic === undefined) program.help();
  const command = program.commands.find((c) => c.name() === topic);
  const names = runbookNames();
  if (command && !names.includes(topic)) command.help();
  if (!command && !names.includes(topic)) {
    const near = closest(topic, [...program.commands.map((c) => c.name()), ...names]);
    throw new WaptopsError(
      `help: '${topic}' is neither a command nor a runbook`,
      near ? `did you mean '${near}'?` : 'waptops help lists the commands, waptops list the runbooks',
    );
  }
  // A command named after its runbook (doctor): the command's options, then the runbook.
  if (command) process.stdout.write(`${command.helpInformation()}\n`);
  process.stdout.write(
    `${runbookHelp(loadPlaybook(playbookPath(topic)))}\nRun options: waptops run --help\n`,
  );
}

/** Makes `run RUNBOOK --help` print the runbook's help before run's options (an unknown runbook is exit 1). */
export function addRunbookHelp(run: Command): void {
  run.addHelpText('before', ({ command }) => {
    const name = command.args.find((a) => !a.startsWith('-'));
    return name === undefined ? '' : runbookHelp(loadPlaybook(playbookPath(name)));
  });
}
