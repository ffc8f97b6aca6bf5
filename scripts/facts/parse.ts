// Shared helpers for fact parsers: failures that name the fact, numbers from JSON, key=value lines.
import { StepError } from '../core/errors.js';
import type { RunResult } from '../transport/types.js';

/** Throws the error a fact raises when its command failed or printed something unusable. */
export function factFailure(key: string, result: RunResult, why?: string): never {
  const detail = why ?? (result.stderr.trim().split('\n').slice(-3).join('; ') || `exit ${result.code}`);
  throw new StepError(`fact ${key}: ${detail}`);
}

/** Fails the fact unless its command exited 0. */
export function requireSuccess(key: string, result: RunResult): void {
  if (result.code !== 0 || result.timedOut) factFailure(key, result);
}

/** A number from util-linux JSON, which prints numbers as strings in versions before 2.33. */
export function jsonNumber(v: unknown): number | null {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^\d+$/.test(v.trim())) return Number(v.trim());
  return null;
}

/** A string field from util-linux JSON (null and empty become null). */
export function jsonString(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}

/** Parses JSON command output or fails the fact naming it. */
export function parseJson(key: string, result: RunResult): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(result.stdout);
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // reported below with the command's own words
  }
  return factFailure(
    key,
    result,
    `unreadable JSON output${result.stderr.trim() ? `: ${result.stderr.trim()}` : ''}`,
  );
}

/** `KEY=value` lines as a map (the first `=` splits; lines without one are ignored). */
export function keyValueLines(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const at = line.indexOf('=');
    if (at > 0) out.set(line.slice(0, at).trim(), line.slice(at + 1).trimEnd());
  }
  return out;
}
