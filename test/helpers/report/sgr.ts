// Reads the colours a terminal screen (tmux capture-pane -e) draws: which SGR sequences set a red.

/** 256-colour palette entries that are red: 1 and 9, and the cube's reds (r high, g and b low). */
function red256(n: number): boolean {
  if (n === 1 || n === 9) return true;
  if (n < 16 || n > 231) return false;
  const c = n - 16;
  const [r, g, b] = [Math.floor(c / 36), Math.floor(c / 6) % 6, c % 6];
  return r >= 3 && g <= 1 && b <= 1;
}

/** Every SGR sequence of `screen` that sets a red foreground or background (31, 91, 41, 101, 38;5;9, 38;2;R;G;B...). */
export function redSgr(screen: string): string[] {
  const found: string[] = [];
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ESC starts the sequences read here
  for (const m of screen.matchAll(/\x1b\[([0-9;:]*)m/g)) {
    const params = (m[1] ?? '').split(/[;:]/).map(Number);
    for (let i = 0; i < params.length; i++) {
      const p = params[i] as number;
      if ([31, 91, 41, 101].includes(p)) found.push(m[0]);
      else if ((p === 38 || p === 48) && params[i + 1] === 5) {
        if (red256(params[i + 2] ?? -1)) found.push(m[0]);
        i += 2;
      } else if ((p === 38 || p === 48) && params[i + 1] === 2) {
        const [r, g, b] = [params[i + 2] ?? 0, params[i + 3] ?? 0, params[i + 4] ?? 0];
        if (r >= 160 && g <= 80 && b <= 80) found.push(m[0]);
        i += 4;
      }
    }
  }
  return found;
}
