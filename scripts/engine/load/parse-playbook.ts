// Turns playbook YAML into a validated Playbook, or one ValidationError listing every problem.
import type { Action } from '../../actions/types.js';
import { type Problem, ValidationError } from '../../core/errors.js';
import { didYouMean } from '../../core/suggest.js';
import { checkExpression, defaultFactNames, type ExpressionContext } from '../expressions/check.js';
import { templateExpressions } from '../expressions/expressions.js';
import type { ParamSpec, Playbook, Step } from '../model.js';
import { PlaybookSchema } from '../schema/playbook-schema.js';
import { schemaProblems, sortProblems, yamlLocator } from '../schema/problems.js';
import { rememberStepPath, staticWithProblems } from '../schema/step-with.js';
import { validatorOf } from '../schema/validators.js';
import {
  formatPath,
  type KeyPath,
  keyPositionOf,
  parseYamlSource,
  positionInString,
  positionOf,
  sourceData,
  type YamlSource,
} from '../schema/yaml-source.js';
import { checkParamSpecs } from './param-specs.js';
import { resolvePlaybookFiles } from './playbook-files.js';
import {
  effectiveBecome,
  effectiveWhen,
  type FlatStep,
  flattenSteps,
  type StepGroup,
} from './step-groups.js';

/** What a playbook is checked against: the action registry and the fact names expressions may read. */
export interface PlaybookCheckOptions {
  registry: Record<string, Action>;
  factNames?: readonly string[];
}

const templateOpen = '$' + '{{';
const conditionKeys = ['when', 'until', 'changed_when', 'failed_when'] as const;

type Raw = Record<string, unknown>;
const isObject = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks every `${{ }}` in a value tree (a step's `with`, or `vars`); `topKeyAllowsSecrets` says which `with` keys may carry a secret. */
function templateProblems(
  src: YamlSource,
  value: unknown,
  path: KeyPath,
  ctx: Omit<ExpressionContext, 'allowSecrets'>,
  topKeyAllowsSecrets: (key: string | number | undefined) => boolean,
  depth: number,
  out: Problem[],
): void {
  if (typeof value === 'string') {
    const topKey = path[depth];
    for (const expr of templateExpressions(value)) {
      for (const message of checkExpression(expr, { ...ctx, allowSecrets: topKeyAllowsSecrets(topKey) })) {
        out.push({
          pos: positionInString(src, path, `${templateOpen}${expr}}}`),
          path: formatPath(path),
          message,
        });
      }
    }
    if (value.replace(/\$\{\{(.*?)\}\}/gs, '').includes(templateOpen)) {
      out.push({
        pos: positionInString(src, path, templateOpen),
        path: formatPath(path),
        message: `'${templateOpen}' is not closed by '}}'`,
      });
    }
  } else if (Array.isArray(value) || isObject(value)) {
    for (const [k, v] of Object.entries(value)) {
      const key = Array.isArray(value) ? Number(k) : k;
      templateProblems(src, v, [...path, key], ctx, topKeyAllowsSecrets, depth, out);
    }
  }
}

function stepProblems(
  src: YamlSource,
  step: Raw,
  at: KeyPath,
  stepIds: ReadonlySet<string>,
  stepIdsAre: string,
  params: Record<string, ParamSpec>,
  opts: PlaybookCheckOptions,
): Problem[] {
  const out: Problem[] = [];
  const actionName = step.action;
  const action =
    typeof actionName === 'string' && Object.hasOwn(opts.registry, actionName)
      ? opts.registry[actionName]
      : undefined;
  if (typeof actionName === 'string' && !action) {
    const known = Object.keys(opts.registry).sort();
    const hint = didYouMean(actionName, known) || ` (known: ${known.join(', ')})`;
    out.push({
      pos: positionOf(src, [...at, 'action']),
      path: formatPath([...at, 'action']),
      message: `unknown action '${actionName}'${hint}`,
    });
  }
  const withValue = step.with === undefined ? {} : step.with;
  if (action && isObject(withValue)) out.push(...staticWithProblems(src, at, withValue, action));
  const secretKeys = action?.secretParams ?? [];
  const ctx = {
    params,
    stepIds,
    stepIdsAre,
    factNames: opts.factNames ?? defaultFactNames,
    secretKeys,
    action: String(actionName),
  };
  for (const key of conditionKeys) {
    const expr = step[key];
    if (typeof expr !== 'string') continue;
    const allowResult = key !== 'when';
    for (const message of checkExpression(expr, { ...ctx, allowResult, allowSecrets: false })) {
      out.push({ pos: positionOf(src, [...at, key]), path: formatPath([...at, key]), message });
    }
  }
  const allowsSecrets = (k: string | number | undefined) => typeof k === 'string' && secretKeys.includes(k);
  const withCtx = { ...ctx, allowResult: false };
  templateProblems(src, withValue, [...at, 'with'], withCtx, allowsSecrets, at.length + 1, out);
  return out;
}

function allStepProblems(
  src: YamlSource,
  data: Raw,
  params: Record<string, ParamSpec>,
  opts: PlaybookCheckOptions,
) {
  const out: Problem[] = [];
  const firstSeen = new Map<string, KeyPath>();
  const mainIds = new Set<string>();
  for (const list of ['steps', 'rescue'] as const) {
    const visible = new Set<string>(list === 'rescue' ? mainIds : []);
    const checkedGroups = new Set<StepGroup>();
    for (const { raw: step, at, group } of flattenSteps(data[list], list)) {
      const idsHere = list === 'rescue' ? new Set([...mainIds, ...visible]) : new Set(visible);
      const idsAre = list === 'rescue' ? 'a step' : 'an earlier step';
      if (group && !checkedGroups.has(group)) {
        checkedGroups.add(group);
        out.push(...groupProblems(src, group, idsHere, idsAre, params, opts));
      }
      out.push(
        ...stepProblems(
          src,
          step,
          at,
          idsHere,
          list === 'rescue' ? 'a step' : 'an earlier step',
          params,
          opts,
        ),
      );
      if (typeof step.id !== 'string') continue;
      const first = firstSeen.get(step.id);
      if (first) {
        const line = positionOf(src, [...first, 'id']).line;
        out.push({
          pos: positionOf(src, [...at, 'id']),
          path: formatPath([...at, 'id']),
          message: `duplicate id '${step.id}' (first at line ${line})`,
        });
      } else firstSeen.set(step.id, at);
      visible.add(step.id);
      if (list === 'steps') mainIds.add(step.id);
    }
  }
  return out;
}

/** Problems of a group's own `when` (its steps are checked one by one). */
function groupProblems(
  src: YamlSource,
  group: StepGroup,
  stepIds: ReadonlySet<string>,
  stepIdsAre: string,
  params: Record<string, ParamSpec>,
  opts: PlaybookCheckOptions,
): Problem[] {
  const expr = group.raw.when;
  if (typeof expr !== 'string') return [];
  const ctx = {
    params,
    stepIds,
    stepIdsAre,
    factNames: opts.factNames ?? defaultFactNames,
    secretKeys: [],
    action: '',
    allowResult: false,
    allowSecrets: false,
  };
  return checkExpression(expr, ctx).map((message) => ({
    pos: positionOf(src, [...group.at, 'when']),
    path: formatPath([...group.at, 'when']),
    message,
  }));
}

function buildStep(src: YamlSource, flat: FlatStep, playbookBecome: unknown): Step {
  const { raw, at } = flat;
  const step: Step = {
    name: raw.name as string,
    action: raw.action as string,
    with: (raw.with as Raw | undefined) ?? {},
    retries: (raw.retries as number | undefined) ?? 0,
    delay: (raw.delay as number | undefined) ?? 1,
    ignore_errors: (raw.ignore_errors as boolean | undefined) ?? false,
    detach: (raw.detach as boolean | undefined) ?? false,
    pos: positionOf(src, at),
    posOf: (path) => keyPositionOf(src, [...at, 'with', ...path]),
  };
  for (const key of ['id', 'until', 'timeout', 'changed_when', 'failed_when'] as const) {
    if (raw[key] !== undefined) Object.assign(step, { [key]: raw[key] });
  }
  const when = effectiveWhen(flat);
  if (when !== undefined) step.when = when;
  const become = effectiveBecome(flat, playbookBecome);
  if (become !== undefined) step.become = become;
  rememberStepPath(step, at);
  return step;
}

/** Parses and validates playbook text; throws one ValidationError with every problem, sorted by position. */
export function parsePlaybook(file: string, text: string, opts: PlaybookCheckOptions): Playbook {
  const src = parseYamlSource(file, text);
  const data: unknown = sourceData(src);
  if (data === null || data === undefined) {
    throw new ValidationError([
      {
        pos: positionOf(src, []),
        path: '',
        message: 'empty file: a playbook needs name, description and steps',
      },
    ]);
  }
  const problems: Problem[] = [];
  const validatePlaybookShape = validatorOf('plain', PlaybookSchema);
  if (!validatePlaybookShape(data))
    problems.push(...schemaProblems(yamlLocator(src), validatePlaybookShape.errors ?? []));
  if (!isObject(data)) throw new ValidationError(sortProblems(problems));
  const params = (isObject(data.params) ? data.params : {}) as Record<string, ParamSpec>;
  problems.push(...checkParamSpecs(src, params));
  problems.push(...resolvePlaybookFiles(src, data, opts.registry));
  problems.push(...allStepProblems(src, data, params, opts));
  if (isObject(data.vars)) {
    const ctx = {
      params,
      stepIds: new Set<string>(),
      stepIdsAre: 'a step (vars cannot read steps)',
      factNames: opts.factNames ?? defaultFactNames,
      secretKeys: [],
      action: '',
      allowResult: false,
    };
    templateProblems(src, data.vars, ['vars'], ctx, () => false, 1, problems);
  }
  if (problems.length > 0) throw new ValidationError(sortProblems(problems));
  return {
    name: data.name as string,
    description: data.description as string,
    file,
    hosts: (data.hosts as string | undefined) ?? 'all',
    confirm: (data.confirm as boolean | undefined) ?? false,
    onUnreachable: (data.on_unreachable as Playbook['onUnreachable'] | undefined) ?? 'stop',
    transaction: (data.transaction as boolean | undefined) ?? false,
    params,
    vars: (data.vars as Raw | undefined) ?? {},
    osVars: {},
    steps: flattenSteps(data.steps, 'steps').map((s) => buildStep(src, s, data.become)),
    rescue: flattenSteps(data.rescue, 'rescue').map((s) => buildStep(src, s, data.become)),
  };
}
