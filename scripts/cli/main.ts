// The `waptops` command line: parses argv and hands each subcommand to its own module.
import { Command, Option } from 'commander';
import { fail } from './fail.js';
import { packageVersion, usePlaybooksOption } from './paths.js';

const sshConfigHelp =
  'OpenSSH client config filling what the inventory leaves unset (default ~/.ssh/config; none: no file)';
const collect = (value: string, prev: string[]) => [...prev, value];

// A reader that stops early (`waptops list | head`) ends the output, not the program with a stack trace.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  process.stderr.write(`waptops: cannot write the output: ${e.message}\n`);
  process.exit(70);
});

const program = new Command('waptops')
  .description('Typed, tested playbooks for WAPT server operations')
  .version(packageVersion(), '-V, --version')
  .option('--debug', 'show stack traces')
  .option(
    '--playbooks <dir>',
    'look playbook names up here first (else $WAPTOPS_PLAYBOOKS), then ./playbooks, then the shipped ones',
  )
  .hook('preAction', (cmd) => usePlaybooksOption(cmd.opts().playbooks))
  .showHelpAfterError('(run waptops help for usage)')
  .helpCommand(false)
  .exitOverride((err) => {
    process.exit(err.exitCode === 0 ? 0 : 1);
  });

program
  .command('list')
  .description('list playbooks with their description and params')
  .option('--json', 'print JSON')
  .action(async (opts) => (await import('./list.js')).listCommand(opts));

program
  .command('validate')
  .description(
    'check playbooks and inventories (default: every playbook a name reaches, inventory/*.yml and *.ini, the configured one)',
  )
  .argument('[files...]')
  .option('--ssh-config <file>', sshConfigHelp)
  .action(async (files: string[], opts) => (await import('./validate.js')).validateCommand(files, opts));

program
  .command('facts')
  .description('print the facts of a host as JSON')
  .argument('<host>')
  .option('-i, --inventory <file>', 'inventory file')
  .option('--ssh-config <file>', sshConfigHelp)
  .action(async (host: string, opts) => (await import('./facts.js')).factsCommand(host, opts));

program
  .command('doctor')
  .description('every read-only check of a WAPT server, each finding with its guide section and fix')
  .argument('<host>')
  .option('-i, --inventory <file>', 'inventory file')
  .option('--ssh-config <file>', sshConfigHelp)
  .option('--json <file>', 'write a JSON report')
  .option('--html <file>', 'write a self-contained HTML report')
  .option('--plain', 'plain lines even on a terminal')
  .option('--verbose', 'show each command as it runs and failures with their command')
  .action(async (host: string, opts) =>
    (await import('./doctor.js')).doctorCommand(host, { ...opts, verbose: opts.verbose || debugging() }),
  );

program
  .command('run')
  .description('run a playbook (a name from playbooks/ or a path)')
  .argument('<playbook>')
  .option(
    '-i, --inventory <file>',
    'inventory file (default inventory/lab.yml, inventory/hosts.yml, else $XDG_CONFIG_HOME/waptops/hosts.yml)',
  )
  .option('--ssh-config <file>', sshConfigHelp)
  .option('-l, --limit <pattern>', 'hosts, groups or globs, comma separated; !x excludes')
  .option('-e, --extra <key=value>', 'a playbook param (repeatable)', collect, [])
  .option('--secret-file <name=path>', 'read a secret param from a file (repeatable)', collect, [])
  .option('--check', 'report what would change, change nothing')
  .option('--diff', 'show before/after of file edits')
  .option('--rollback', 'transaction playbooks: undo an interrupted run journaled on the hosts, run no step')
  .addOption(new Option('--forks <n>', 'hosts at once').default(50).argParser(positiveInt))
  .addOption(new Option('--serial <n>', 'hosts per batch').argParser(positiveInt))
  .addOption(new Option('--max-fail-percent <p>', 'stop starting batches above this').argParser(percent))
  .option(
    '--shard <k/n|auto>',
    'run only the k-th of n stable slices of the hosts; auto: from the CI or Kubernetes environment',
  )
  .option('--json <file>', 'write a JSON report')
  .option('--junit <file>', 'write a JUnit XML report')
  .option('--html <file>', 'write a self-contained HTML report (recap, timeline, failures, findings)')
  .option('--verbose', 'show each command as it runs and failures with their command')
  .option('--yes', 'confirm without asking (needed off a terminal for confirm: true playbooks)')
  .option('--plain', 'plain lines even on a terminal')
  .action(async (playbook: string, opts) =>
    (await import('./run.js')).runCommand(playbook, { ...opts, verbose: opts.verbose || debugging() }),
  );

program
  .command('report')
  .description('work with JSON reports')
  .command('merge')
  .description("merge the JSON reports of a fleet's shards into one recap, exiting as one run would")
  .argument('<files...>', 'JSON reports written by waptops run --json')
  .option('--json <file>', 'write the merged JSON report')
  .option('--junit <file>', 'write the merged JUnit XML report')
  .option('--html <file>', 'write the merged self-contained HTML report')
  .action(async (files: string[], opts) => (await import('./report.js')).reportMergeCommand(files, opts));

program
  .command('help')
  .description('help on a command, or on a runbook: its params, make target and an example')
  .argument('[topic]', 'a command or a runbook')
  .action(async (topic?: string) => (await import('./help.js')).helpCommand(program, topic));

program
  .command('completion')
  .description('print the shell completion script (bash: source <(waptops completion bash))')
  .argument('<shell>', 'bash or zsh')
  .action(async (shell: string) => (await import('./completion.js')).completionCommand(shell));

program
  .command('attach')
  .description('run one command on a host with this terminal attached over SSH (e.g. postconf.sh dialogs)')
  .argument('<host>')
  .argument('<command...>', 'the command and its arguments, after --')
  .option('-i, --inventory <file>', 'inventory file')
  .option('--ssh-config <file>', sshConfigHelp)
  .option('--become', 'run it as root (through sudo when not logged in as root)')
  .action(async (host: string, command: string[], opts) =>
    (await import('./attach.js')).attachCommand(host, command, opts),
  );

program
  .command('schemas')
  .description('write the editor JSON Schemas of playbooks and inventories (--check: only compare)')
  .option('--check', 'exit 1 when a schema file is out of date')
  .action(async (opts) => (await import('./schemas.js')).schemasCommand(opts));

/** `--debug` (before the subcommand) shows what `--verbose` shows, and stack traces. */
function debugging(): boolean {
  return Boolean(program.opts().debug);
}

function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) fail(`expected a positive integer, got '${v}'`);
  return n;
}

function percent(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0 || n > 100) fail(`expected a percentage 0-100, got '${v}'`);
  return n;
}

// `run RUNBOOK --help` adds the runbook's own help to run's.
program.hook('preSubcommand', async (_program, sub) => {
  const help = process.argv.slice(2).some((a) => a === '-h' || a === '--help');
  if (sub.name() === 'run' && help) (await import('./help.js')).addRunbookHelp(sub);
});

// The shell completion scripts call back here (`waptops __complete SHELL CURRENT LINE`); it is not a command.
const main =
  process.argv[2] === '__complete'
    ? import('./complete.js').then((m) => m.completeCommand(program, process.argv.slice(3)))
    : program.parseAsync(process.argv);
main.catch(async (e) => (await import('./fail.js')).reportError(e, program.opts().debug));
