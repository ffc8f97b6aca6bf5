// Ansible host ranges: `www[01:50].example.com`, `db-[a:f]`, `[1:9:2]` strides, several ranges multiplied out.

/** The most host names one pattern may stand for (a typo such as [1:100000000] must not exhaust memory). */
export const MAX_RANGE_HOSTS = 65_536;

/** The host names a pattern stands for, or the reason it is not a valid range. */
export function expandHostRange(pattern: string): { names: string[] } | { error: string } {
  const m = /^(.*?)\[([^\]]*)\](.*)$/.exec(pattern);
  if (!m) return { names: [pattern] };
  const [, head, range, tail] = m as unknown as [string, string, string, string];
  const parts = range.split(':');
  if (parts.length < 2 || parts.length > 3)
    return { error: `'[${range}]' is not a range: expected [start:end] or [start:end:step]` };
  const [start = '', end = '', stepText = '1'] = parts;
  const step = Number(stepText);
  if (!/^\d+$/.test(stepText) || step < 1)
    return { error: `'[${range}]': the step must be a positive number` };
  let items: string[];
  if (/^\d*$/.test(start) && /^\d+$/.test(end)) {
    const from = Number(start || '0');
    const to = Number(end);
    // A leading zero pads every number to the width of the start, which the end must share.
    const width = start.length > 1 && start.startsWith('0') ? start.length : 0;
    if (width && end.length !== width)
      return { error: `'[${range}]': start and end must have the same width` };
    if (from > to) return { error: `'[${range}]': the start is after the end` };
    if ((to - from) / step >= MAX_RANGE_HOSTS) return tooMany(pattern);
    items = [];
    for (let i = from; i <= to; i += step) items.push(String(i).padStart(width, '0'));
  } else if (/^[A-Za-z]$/.test(start) && /^[A-Za-z]$/.test(end)) {
    const letters = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
    const from = letters.indexOf(start);
    const to = letters.indexOf(end);
    if (from > to) return { error: `'[${range}]': the start is after the end` };
    items = [];
    for (let i = from; i <= to; i += step) items.push(letters[i] as string);
  } else {
    return { error: `'[${range}]' is not a range of numbers or of single letters` };
  }
  const rest = expandHostRange(tail);
  if ('error' in rest) return rest;
  if (items.length * rest.names.length > MAX_RANGE_HOSTS) return tooMany(pattern);
  return { names: items.flatMap((item) => rest.names.map((r) => `${head}${item}${r}`)) };
}

function tooMany(pattern: string): { error: string } {
  return { error: `'${pattern}' stands for more than ${MAX_RANGE_HOSTS} hosts` };
}
