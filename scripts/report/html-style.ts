// The HTML report's inline style sheet: readable in light and dark mode, printable, no external font or image.

/** The CSS placed in the report's <style> element. */
export const htmlPageStyle = `
:root { color-scheme: light dark; --ok: #1a7f37; --changed: #9a6700; --failed: #cf222e; --skipped: #57606a;
  --ignored: #bf8700; --bg-soft: rgba(127,127,127,.12); }
body { font: 14px/1.45 system-ui, sans-serif; margin: 1.5rem auto; max-width: 1200px; padding: 0 1rem; }
h1 { font-size: 1.4rem; margin: 0 0 .3rem; } h2 { margin-top: 2rem; border-bottom: 1px solid var(--bg-soft); }
.dim { opacity: .7; } .verdict { font-weight: 600; font-size: 1.1rem; }
.verdict.ok { color: var(--ok); } .verdict.failed { color: var(--failed); }
table { border-collapse: collapse; width: 100%; margin: .5rem 0; }
th, td { text-align: left; padding: .25rem .5rem; border-bottom: 1px solid var(--bg-soft); vertical-align: top; }
.recap td, .recap thead th + th { text-align: right; font-variant-numeric: tabular-nums; }
tr.failed th, tr.unreachable th, tr.locked th { color: var(--failed); } tr.changed th { color: var(--changed); }
.error { font-weight: normal; font-size: .9em; }
.lane { margin: .4rem 0; } .lane-name { font-family: ui-monospace, monospace; }
.lane svg { width: 100%; height: 20px; background: var(--bg-soft); display: block; }
.bar.ok { fill: var(--ok); } .bar.changed { fill: var(--changed); } .bar.failed { fill: var(--failed); }
.bar.skipped { fill: var(--skipped); } .bar.ignored { fill: var(--ignored); }
.bar { stroke: Canvas; stroke-width: .5; }
section.failure { border-left: 4px solid var(--failed); padding: .2rem .8rem; margin: .8rem 0; background: var(--bg-soft); }
section.failure.ignored { border-color: var(--ignored); }
pre { white-space: pre-wrap; overflow-wrap: anywhere; font: 12px/1.4 ui-monospace, monospace; }
.findings tr.error td:nth-child(2) { color: var(--failed); font-weight: 600; }
.findings tr.warning td:nth-child(2) { color: var(--changed); font-weight: 600; }
`;
