// Resolves a run's params from -e, secret files, the environment, a prompt and defaults.
import { readFile } from 'node:fs/promises';
import { type Problem, ValidationError } from '../../core/errors.js';
import { Secret } from '../../core/secret.js';
import { didYouMean } from '../../core/suggest.js';
import type { ParamSpec, Playbook } from '../model.js';
import { coercingParamValidator, isRequired } from './param-specs.js';

/** Where param values come from, highest precedence first: extra, secretFiles, env, prompt; then defaults. */
export interface ParamSources {
  /** `-e name=value` pairs; never accepted for secret params. */
  extra: Record<string, string>;
  /** `--secret-file name=path`: the file's content (one trailing newline dropped) is the value. */
  secretFiles: Record<string, string>;
  env: NodeJS.ProcessEnv;
  /** Asks a person for a missing value (hidden input for secrets is the caller's job). */
  prompt?: (name: string, description: string) => Promise<string>;
}

/** How a param can be given, for the message about a missing one. */
function waysToGive(name: string, spec: ParamSpec, canPrompt: boolean): string {
  const ways = spec.secret ? [] : [`-e ${name}=VALUE`];
  if (spec.env) ways.push(`env ${spec.env}`);
  if (spec.secret)
    ways.push(`--secret-file ${name}=FILE`, canPrompt ? 'the prompt' : 'a prompt (run on a terminal)');
  return ways.join(', or ');
}

/** Turns text into the param's type (`true`, `30`, a JSON or comma list for arrays) and checks it. */
function coerce(name: string, spec: ParamSpec, text: string, from: string, problems: Problem[]): unknown {
  const holder: Record<string, unknown> = { value: text };
  if (spec.type === 'array' && !spec.secret) {
    const trimmed = text.trim();
    holder.value = trimmed.startsWith('[')
      ? safeJson(trimmed)
      : trimmed === ''
        ? []
        : trimmed.split(',').map((s) => s.trim());
  }
  const validate = coercingParamValidator(spec);
  if (validate(holder)) return holder.value;
  const reasons = (validate.errors ?? []).map((e) =>
    e.keyword === 'enum' ? `must be one of: ${e.params.allowedValues.join(', ')}` : (e.message ?? e.keyword),
  );
  const shown = spec.secret ? from : `${from} '${text}'`;
  problems.push({ path: `params.${name}`, message: `${[...new Set(reasons)].join('; ')} (from ${shown})` });
  return undefined;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

async function readSecretFile(path: string): Promise<string> {
  return (await readFile(path, 'utf8')).replace(/\r?\n$/, '');
}

/** The value of every declared param (secret ones as Secret); all problems are thrown at once. */
export async function resolveParams(
  playbook: Playbook,
  sources: ParamSources,
): Promise<Record<string, unknown>> {
  const problems: Problem[] = [];
  const declared = Object.keys(playbook.params);
  const declaredList = declared.join(', ') || 'none';
  for (const [flag, given] of [
    ['-e', sources.extra],
    ['--secret-file', sources.secretFiles],
  ] as const) {
    for (const n of Object.keys(given).filter((x) => !Object.hasOwn(playbook.params, x))) {
      problems.push({
        path: flag,
        message: `unknown param '${n}' (declared: ${declaredList})${didYouMean(n, declared)}`,
      });
    }
  }
  const values: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(playbook.params)) {
    let text: string | undefined;
    let from = '';
    if (Object.hasOwn(sources.extra, name)) {
      if (spec.secret) {
        problems.push({
          path: '-e',
          message: `param '${name}' is secret and is not accepted from -e (use ${waysToGive(name, spec, Boolean(sources.prompt))})`,
        });
        continue;
      }
      [text, from] = [sources.extra[name], `-e ${name}`];
    } else if (Object.hasOwn(sources.secretFiles, name)) {
      const path = sources.secretFiles[name] as string;
      try {
        [text, from] = [await readSecretFile(path), `--secret-file ${name}`];
      } catch (e) {
        problems.push({
          path: '--secret-file',
          message: `cannot read ${path} for '${name}' (${(e as NodeJS.ErrnoException).code})`,
        });
        continue;
      }
    } else if (spec.env && sources.env[spec.env] !== undefined) {
      [text, from] = [sources.env[spec.env], `env ${spec.env}`];
    } else if (spec.default !== undefined) {
      values[name] = structuredClone(spec.default);
      continue;
    } else if (isRequired(spec) && sources.prompt) {
      [text, from] = [await sources.prompt(name, spec.description ?? ''), 'the prompt'];
    }
    if (text === undefined) {
      if (isRequired(spec)) {
        problems.push({
          path: `params.${name}`,
          message: `missing required param; give it with ${waysToGive(name, spec, Boolean(sources.prompt))}`,
        });
      }
      continue;
    }
    const value = coerce(name, spec, text, from, problems);
    if (value !== undefined) values[name] = spec.secret ? new Secret(String(value)) : value;
  }
  problems.push(...oneOfProblems(playbook, values));
  if (problems.length > 0) throw new ValidationError(problems);
  return values;
}

/** Problems of `one_of` groups: each group needs exactly one of its params given. */
function oneOfProblems(playbook: Playbook, values: Record<string, unknown>): Problem[] {
  const groups = new Map<string, string[]>();
  for (const [name, spec] of Object.entries(playbook.params)) {
    if (spec.one_of) groups.set(spec.one_of, [...(groups.get(spec.one_of) ?? []), name]);
  }
  return [...groups.values()].flatMap((names) => {
    const given = names.filter((n) => values[n] !== undefined);
    if (given.length === 1) return [];
    const which = given.length === 0 ? 'none was given' : `got ${given.join(' and ')}`;
    return [{ path: 'params', message: `give exactly one of ${names.join(', ')} (${which})` }];
  });
}
