// Static checks of expressions before any host is contacted: syntax, allowed names, secrets.
import type jsep from 'jsep';
import { didYouMean } from '../../core/suggest.js';
import type { ParamSpec } from '../model.js';
import { collectReferences, parseExpression, unsafeKeys } from './expressions.js';
import { expressionFunctions } from './functions.js';

/** Fact names an expression may read when the caller does not pass its own list. */
export const defaultFactNames: readonly string[] = [
  'os',
  'systemd',
  'mounts',
  'blockdevs',
  'disk',
  'selinux',
];

/** Where an expression sits, which decides what it may read. */
export interface ExpressionContext {
  params: Record<string, ParamSpec>;
  /** Ids `steps.<id>` may name here (earlier steps; in rescue, every main step). */
  stepIds: ReadonlySet<string>;
  /** 'an earlier step' or 'a step', for the message about an unknown id. */
  stepIdsAre: string;
  factNames: readonly string[];
  /** `result` is readable (until, changed_when, failed_when). */
  allowResult: boolean;
  /** Secret params may be read (a `with` key listed in the action's secretParams). */
  allowSecrets: boolean;
  /** The step's action and the `with` keys of it that may carry a secret, for the message. */
  action: string;
  secretKeys: readonly string[];
}

const binaryOperators = new Set(['==', '!=', '<', '<=', '>', '>=', '&&', '||', '+', '-', '*', '/', '%']);
const operatorAdvice: Record<string, string> = { '===': "use '=='", '!==': "use '!='" };
const unaryOperators = new Set(['!', '-', '+']);

function syntaxProblems(node: jsep.Expression, roots: string[], out: string[]): void {
  const visit = (n: jsep.Expression | null | undefined) => n && syntaxProblems(n, roots, out);
  switch (node.type) {
    case 'Literal':
      return;
    case 'Identifier': {
      const name = (node as jsep.Identifier).name;
      if (name === 'result' && !roots.includes(name)) {
        out.push("'result' is only readable in until, changed_when and failed_when");
      } else if (!roots.includes(name))
        out.push(`unknown name '${name}' (known: ${roots.join(', ')})${didYouMean(name, roots)}`);
      return;
    }
    case 'MemberExpression': {
      const m = node as jsep.MemberExpression;
      const key = m.computed
        ? m.property.type === 'Literal'
          ? String((m.property as jsep.Literal).value)
          : undefined
        : (m.property as jsep.Identifier).name;
      if (key !== undefined && unsafeKeys.has(key)) out.push(`reading '${key}' is not allowed`);
      visit(m.object);
      if (m.computed) visit(m.property);
      return;
    }
    case 'CallExpression': {
      const c = node as jsep.CallExpression;
      const name = c.callee.type === 'Identifier' ? (c.callee as jsep.Identifier).name : '';
      const fn = Object.hasOwn(expressionFunctions, name) ? expressionFunctions[name] : undefined;
      const known = Object.keys(expressionFunctions);
      if (!fn) out.push(`unknown function '${name}' (known: ${known.join(', ')})${didYouMean(name, known)}`);
      else if (c.arguments.length < fn.arity[0] || c.arguments.length > fn.arity[1]) {
        out.push(
          `${name}() takes ${fn.arity[0]} argument${fn.arity[0] === 1 ? '' : 's'}, got ${c.arguments.length}`,
        );
      }
      for (const a of c.arguments) visit(a);
      return;
    }
    case 'UnaryExpression': {
      const u = node as jsep.UnaryExpression;
      if (!unaryOperators.has(u.operator)) out.push(`operator '${u.operator}' is not supported`);
      visit(u.argument);
      return;
    }
    case 'BinaryExpression': {
      const b = node as jsep.BinaryExpression;
      if (!binaryOperators.has(b.operator)) {
        out.push(
          `operator '${b.operator}' is not supported${operatorAdvice[b.operator] ? ` (${operatorAdvice[b.operator]})` : ''}`,
        );
      }
      visit(b.left);
      visit(b.right);
      return;
    }
    case 'ConditionalExpression': {
      const t = node as jsep.ConditionalExpression;
      visit(t.test);
      visit(t.consequent);
      visit(t.alternate);
      return;
    }
    case 'ArrayExpression':
      for (const e of (node as jsep.ArrayExpression).elements) visit(e);
      return;
    case 'Compound':
      out.push('only one expression is allowed (no commas or semicolons)');
      return;
    default:
      out.push(`${node.type === 'ThisExpression' ? "'this'" : node.type} is not supported in expressions`);
  }
}

function referenceProblems(text: string, ctx: ExpressionContext, out: string[]): void {
  const declared = Object.keys(ctx.params);
  for (const { root, name } of collectReferences(text)) {
    if (root === 'params') {
      if (name === undefined) out.push('read params by name, e.g. params.port');
      else if (!Object.hasOwn(ctx.params, name)) {
        out.push(
          `unknown param '${name}' (declared: ${declared.join(', ') || 'none'})${didYouMean(name, declared)}`,
        );
      } else if (ctx.params[name]?.secret && !ctx.allowSecrets) {
        const through = ctx.secretKeys.length
          ? ctx.secretKeys.map((k) => `with.${k}`).join(', ')
          : `a with key that takes secrets (action '${ctx.action}' has none)`;
        out.push(`secret param '${name}' may only be passed through ${through}`);
      }
    } else if (root === 'facts') {
      if (name === undefined) out.push('read facts by name, e.g. facts.os');
      else if (!ctx.factNames.includes(name)) {
        out.push(
          `unknown fact '${name}' (known: ${ctx.factNames.join(', ')})${didYouMean(name, ctx.factNames)}`,
        );
      }
    } else if (root === 'steps' && name !== undefined && !ctx.stepIds.has(name)) {
      out.push(`'steps.${name}' is not the id of ${ctx.stepIdsAre}${didYouMean(name, ctx.stepIds)}`);
    }
  }
}

/** Every reason an expression is not acceptable where it sits (empty when it is fine). */
export function checkExpression(text: string, ctx: ExpressionContext): string[] {
  let ast: jsep.Expression;
  try {
    ast = parseExpression(text);
  } catch (e) {
    return [(e as Error).message];
  }
  const roots = ['params', 'vars', 'facts', 'host', 'steps', ...(ctx.allowResult ? ['result'] : [])];
  const out: string[] = [];
  syntaxProblems(ast, roots, out);
  if (out.length === 0) referenceProblems(text, ctx, out);
  return out;
}
