// Golden fixtures: every bad playbook lists exactly its expected problems; every good one loads.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatProblem, ValidationError } from '../../../../scripts/core/errors.js';
import { loadPlaybook } from '../../../../scripts/engine/load/load-playbook.js';
import { parsePlaybook } from '../../../../scripts/engine/load/parse-playbook.js';
import { fakeActions } from '../../../helpers/fake-actions.js';

const dir = 'test/fixtures/playbooks';
const yamlFiles = (sub: string) => readdirSync(join(dir, sub)).filter((f) => f.endsWith('.yml'));

function problemsOf(file: string): string {
  try {
    parsePlaybook(file, readFileSync(file, 'utf8'), { registry: fakeActions });
  } catch (e) {
    if (e instanceof ValidationError) return e.problems.map(formatProblem).join('\n');
    throw e;
  }
  return '(no problem found)';
}

describe('bad playbooks report their problems at file:line:col', () => {
  it.each(yamlFiles('bad'))('%s', (name) => {
    const file = join(dir, 'bad', name);
    const expected = readFileSync(file.replace(/\.yml$/, '.expected'), 'utf8').trim();
    expect(problemsOf(file)).toBe(expected);
  });
});

describe('good playbooks load', () => {
  it.each(yamlFiles('good'))('%s', (name) => {
    expect(problemsOf(join(dir, 'good', name))).toBe('(no problem found)');
  });
});

describe('good playbooks also load against the real action registry', () => {
  it.each(yamlFiles('good'))('%s', (name) => {
    expect(loadPlaybook(join(dir, 'good', name)).steps.length).toBeGreaterThan(0);
  });
});
