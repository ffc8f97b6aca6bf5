// How the CLI ends on an error: one clear line (or all validation problems), the documented exit code.
import { ExitCode, ValidationError, WaptopsError } from '../core/errors.js';

/** Prints a usage error and exits 1. */
export function fail(message: string, hint?: string): never {
  process.stderr.write(`waptops: ${message}\n${hint ? `  hint: ${hint}\n` : ''}`);
  process.exit(ExitCode.usage);
}

/** Prints any error the way a person at 3 a.m. wants it, and exits with its code. */
export function reportError(e: unknown, debug: boolean | undefined): never {
  if (e instanceof ValidationError) {
    process.stderr.write(`${e.message}\n`);
    process.stderr.write(
      `${e.problems.length} problem${e.problems.length > 1 ? 's' : ''}; nothing was run\n`,
    );
  } else if (e instanceof WaptopsError) {
    process.stderr.write(`waptops: ${e.message}\n${e.hint ? `  hint: ${e.hint}\n` : ''}`);
  } else {
    process.stderr.write(
      `waptops: internal error: ${(e as Error)?.message ?? String(e)} (a bug in waptops: --debug shows where)\n`,
    );
  }
  if (debug && e instanceof Error && e.stack) process.stderr.write(`${e.stack}\n`);
  process.exit(e instanceof WaptopsError ? e.exitCode : ExitCode.internal);
}
