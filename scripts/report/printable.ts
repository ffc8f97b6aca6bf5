// Host output made safe to show: control characters (ANSI and OSC escape sequences, bells, backspaces,
// carriage returns, C1 codes) become visible escapes, so a host cannot drive the terminal, hide lines or
// break the JSON, JUnit and plain reports. Newlines and tabs stay.

// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters to make visible
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/** The text with each control character but newline and tab written as \xNN (\u00NN for C1). */
export function printable(text: string): string {
  return text.replace(CONTROL, (c) => {
    const code = c.charCodeAt(0);
    return code < 0x80
      ? `\\x${code.toString(16).padStart(2, '0')}`
      : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** An event with every string in it (nested plain objects and arrays too) made printable; other objects kept. */
export function printableEvent<T>(value: T): T {
  if (typeof value === 'string') return printable(value) as T;
  if (Array.isArray(value)) return value.map(printableEvent) as T;
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, printableEvent(v)])) as T;
  }
  return value;
}
