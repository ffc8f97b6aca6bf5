// The one shallow family of errors waptops raises; each maps to a documented exit code.

/** Exit codes documented in the README. */
export const ExitCode = {
  ok: 0,
  usage: 1,
  hostFailed: 2,
  unreachable: 3,
  locked: 4,
  // A bug in waptops itself (sysexits' EX_SOFTWARE), never a host's or an input's fault.
  internal: 70,
  interrupted: 130,
} as const;

/** Base of every error waptops raises on purpose; `hint` says what to do next. */
export class WaptopsError extends Error {
  readonly exitCode: number = ExitCode.usage;
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Where in a source file a problem sits (1-based line and column). */
export interface SourcePosition {
  file: string;
  line: number;
  col: number;
}

/** One problem found while checking input: position, key path and one-line reason. */
export interface Problem {
  pos?: SourcePosition;
  path: string;
  message: string;
}

/** Formats a problem as `file:line:col path: reason`. */
export function formatProblem(p: Problem): string {
  const where = p.pos ? `${p.pos.file}:${p.pos.line}:${p.pos.col} ` : '';
  // One line per problem, whatever the input quoted in it holds.
  const message = p.message.replace(/\r?\n/g, '\\n');
  return `${where}${p.path ? `${p.path}: ` : ''}${message}`;
}

/** Bad input (YAML, schema, expression, CLI usage); carries every problem found at once. */
export class ValidationError extends WaptopsError {
  override readonly exitCode = ExitCode.usage;
  constructor(readonly problems: Problem[]) {
    super(problems.map(formatProblem).join('\n'));
  }
}

/** The host could not be reached or logged into. */
export class ConnectError extends WaptopsError {
  override readonly exitCode = ExitCode.unreachable;
  constructor(
    readonly host: string,
    message: string,
    hint?: string,
  ) {
    super(`${host}: ${message}`, hint);
  }
}

/** The host key is unknown or changed; no command may run on that host. */
export class HostKeyError extends ConnectError {}

/** A command ended with a non-zero status (or timed out); the command text is masked. */
export class CommandError extends WaptopsError {
  override readonly exitCode = ExitCode.hostFailed;
  constructor(
    readonly host: string,
    readonly command: string,
    readonly code: number | null,
    readonly stderr: string,
    hint?: string,
  ) {
    const tail = stderr.trim().split('\n').slice(-5).join('\n  ');
    super(
      `${host}: \`${command}\` ${code === null ? 'timed out' : `exited ${code}`}${tail ? `\n  ${tail}` : ''}`,
      hint,
    );
  }

  /** Why it failed in words, one line, never the command: its last stderr line and how it ended. */
  get reason(): string {
    const last = this.stderr.trim().split('\n').at(-1)?.trim() ?? '';
    const ended = this.code === null ? 'timed out' : `exit ${this.code}`;
    return last ? `${last} (${ended})` : `the command failed (${ended})`;
  }
}

/** Another run holds the host's lock. */
export class LockError extends WaptopsError {
  override readonly exitCode = ExitCode.locked;
}

/** A step's action failed for a reason of its own (not a plain command failure). */
export class StepError extends WaptopsError {
  override readonly exitCode = ExitCode.hostFailed;
}
