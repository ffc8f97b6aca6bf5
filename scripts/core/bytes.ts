// Byte counts as people read them: in migration plans, refusals, progress lines and copy summaries.

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'] as const;

/** How to show a byte count: decimals (1), `.0` trimmed or not, or one fixed unit. */
export interface ByteFormat {
  decimals?: number;
  trimZeros?: boolean;
  unit?: (typeof UNITS)[number];
}

/** `1536` -> `1.5 KiB`, `12582912` -> `12.0 MiB` (`12 MiB` with trimZeros), `0` -> `0 B`: binary units. */
export function formatBytes(bytes: number, format: ByteFormat = {}): string {
  const { decimals = 1, trimZeros = false, unit: fixed } = format;
  let value = bytes;
  let unit = 0;
  const wanted = fixed ? UNITS.indexOf(fixed) : -1;
  while (wanted >= 0 ? unit < wanted : Math.abs(value) >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  if (unit === 0) return `${value} B`;
  const shown = value.toFixed(decimals);
  return `${trimZeros ? shown.replace(/\.0+$/, '') : shown} ${UNITS[unit]}`;
}
