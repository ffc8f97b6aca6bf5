// Last line of defence against leaks: every registered secret value printed anywhere becomes `***`.

const secretValues = new Set<string>();

/** Registers a secret value (a password, a token) so no renderer ever prints it. */
export function registerSecret(value: string): void {
  if (value !== '') secretValues.add(value);
}

/** The secret values registered so far. */
export function registeredSecrets(): string[] {
  return [...secretValues];
}

/** Replaces every occurrence of every secret in `text` with `***`, longest secret first. */
export function redact(text: string, secrets: readonly string[] = registeredSecrets()): string {
  let out = text;
  const longestFirst = [...secrets].sort((a, b) => b.length - a.length);
  for (const s of longestFirst) if (s !== '' && out.includes(s)) out = out.split(s).join('***');
  return out;
}

/** Deep copy of a JSON-like value with every string (keys included) redacted. */
export function redactValue<T>(value: T, secrets: readonly string[] = registeredSecrets()): T {
  if (typeof value === 'string') return redact(value, secrets) as T;
  if (Array.isArray(value)) return value.map((v) => redactValue(v, secrets)) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[redact(k, secrets)] = redactValue(v, secrets);
    return out as T;
  }
  return value;
}
