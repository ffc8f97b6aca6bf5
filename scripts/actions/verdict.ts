// The `verdict` probe: turns findings (conditions the engine resolved from earlier steps) into one verdict.
import { type Static, Type } from '@sinclair/typebox';
import { defineAction, type Plan } from './types.js';

const findingSchema = Type.Object(
  {
    when: Type.Boolean({
      description: 'Whether this finding holds (usually an expression over earlier steps)',
    }),
    severity: Type.Union([Type.Literal('error'), Type.Literal('warning'), Type.Literal('info')], {
      description: 'error fails the step; warning and info are only reported',
    }),
    message: Type.String({ minLength: 1, description: 'What is wrong, in one line' }),
    guide: Type.Optional(
      Type.String({ minLength: 1, description: "The troubleshooting guide's section title" }),
    ),
    remedy: Type.Optional(
      Type.String({ minLength: 1, description: 'What fixes it, e.g. `make restart-nginx`' }),
    ),
  },
  { additionalProperties: false },
);

const verdictSchema = Type.Object(
  {
    findings: Type.Array(findingSchema, {
      minItems: 1,
      description: 'Candidate findings, most likely cause first; only those whose `when` is true are kept',
    }),
  },
  { additionalProperties: false },
);

/** One finding as written in a playbook. */
export type Finding = Static<typeof findingSchema>;

/** A finding that holds, as reported (without its `when`). */
export type HeldFinding = Omit<Finding, 'when'>;

/** The overall result: error when any error finding holds, else warning when any warning holds, else ok. */
export type VerdictLevel = 'ok' | 'warning' | 'error';

/** One line for a finding: message, the guide section it comes from, and the remedy. */
export function describeFinding(f: HeldFinding): string {
  const guide = f.guide ? ` [guide: «${f.guide}»]` : '';
  const remedy = f.remedy ? ` -> ${f.remedy}` : '';
  return `${f.severity}: ${f.message}${guide}${remedy}`;
}

/** The verdict of the findings that hold: failed with every error when one is an error. */
export function judgeFindings(findings: Finding[]): Plan {
  const held: HeldFinding[] = findings.filter((f) => f.when).map(({ when: _when, ...rest }) => rest);
  const errors = held.filter((f) => f.severity === 'error');
  const verdict: VerdictLevel = errors.length
    ? 'error'
    : held.some((f) => f.severity === 'warning')
      ? 'warning'
      : 'ok';
  const data = { verdict, findings: held };
  const others = held.filter((f) => f.severity !== 'error');
  if (errors.length)
    return { changes: [], failed: [...errors, ...others].map(describeFinding).join('\n'), data };
  const reason = held.length ? held.map(describeFinding).join('\n') : 'no problem found';
  return { changes: [], reason, data };
}

/** Reports the findings that hold and fails when one of them is an error. */
export const verdictAction = defineAction({
  name: 'verdict',
  controller: true,
  description: 'Report the findings that hold (with guide section and remedy); fail when one is an error',
  schema: verdictSchema,
  probe: true,
  read: async () => ({}),
  plan: (_state, p) => judgeFindings(p.findings),
});
