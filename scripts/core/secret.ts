// Secrets: values that print as `***` everywhere and are revealed only where they must be sent.

const SECRET = Symbol('secret');

/** A value that prints as `***` in every string, JSON and inspect form. */
export class Secret {
  readonly [SECRET]: string;
  constructor(value: string) {
    this[SECRET] = value;
  }
  /** The real value, for the one place that must send it (a command's stdin). */
  reveal(): string {
    return this[SECRET];
  }
  toString(): string {
    return '***';
  }
  toJSON(): string {
    return '***';
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return '***';
  }
}

/** True when a value is a Secret. */
export function isSecret(v: unknown): v is Secret {
  return v instanceof Secret;
}
