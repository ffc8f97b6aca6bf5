// os-vars.yml: the runbooks' per-OS defaults (repository paths, web server group, nginx site) in one file
// beside the playbooks, by OS family, each a map of vars.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Type } from '@sinclair/typebox';
import { ValidationError } from '../../core/errors.js';
import { NamedMap } from '../schema/playbook-schema.js';
import { namedPatterns, schemaProblems, yamlLocator } from '../schema/problems.js';
import { validatorOf } from '../schema/validators.js';
import { readYamlFile } from '../schema/yaml-limits.js';
import { parseYamlSource, sourceData } from '../schema/yaml-source.js';
import { OS_VARS_FILE } from './os-vars-file.js';

export { OS_VARS_FILE };

const familyVars = Type.Optional(NamedMap(namedPatterns.identifier.pattern, Type.Unknown()));
/** The shape of os-vars.yml: per-family vars. */
export const OsVarsSchema = Type.Object(
  { debian: familyVars, rhel: familyVars, other: familyVars },
  { additionalProperties: false },
);

/** The per-OS vars beside a playbook file ({} when there is no os-vars.yml); a bad file is a ValidationError. */
export function loadOsVars(playbookFile: string): Record<string, Record<string, unknown>> {
  const file = path.join(path.dirname(playbookFile), OS_VARS_FILE);
  return existsSync(file) ? readOsVars(file) : {};
}

/** Reads and checks an os-vars file. */
export function readOsVars(file: string): Record<string, Record<string, unknown>> {
  const src = parseYamlSource(file, readYamlFile(file, 'os-vars file'));
  const data: unknown = sourceData(src) ?? {};
  const validate = validatorOf('plain', OsVarsSchema);
  if (!validate(data)) throw new ValidationError(schemaProblems(yamlLocator(src), validate.errors ?? []));
  return data as Record<string, Record<string, unknown>>;
}
