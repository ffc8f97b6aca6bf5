#!/bin/sh
# The client_max_body_size nginx applies to a request for URI ($3) on the server block listening on PORT ($2),
# preferring the one written in the WAPT site SITE ($1). Reads the configuration nginx loads (nginx -T: nginx.conf
# and every file it includes), follows the includes, picks the location as nginx does (exact, longest prefix,
# its nested locations, then regular expressions in order) and takes the innermost value on the way up
# (location, server, http). Prints one JSON line:
#   {"server_file": F, "in_site": B, "location": L, "value": V, "bytes": N, "set_in": F}
# value and set_in are null when nothing sets it (nginx's default, 1m); bytes 0 means no limit; server_file is
# null when no server listens on PORT. Exits 3 when nginx -T fails.
set -u
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
if ! nginx -T >"$tmp/dump" 2>"$tmp/err"; then
  echo "nginx -T failed: $(tail -n 1 "$tmp/err")" >&2
  exit 3
fi
sed -n 's/^# configuration file \(.*\):$/\1/p' "$tmp/dump" | while IFS= read -r f; do
  printf '%s\t%s\n' "$f" "$(readlink -f -- "$f")"
done >"$tmp/real"
LC_ALL=C awk -v site="$(readlink -f -- "$1")" -v port="$2" -v uri="$3" -v realfile="$tmp/real" '
  function json(s,   out, i, c) {
    if (s == "") return "null"
    out = ""
    for (i = 1; i <= length(s); i++) {
      c = substr(s, i, 1)
      if (c == "\\" || c == "\"") out = out "\\" c
      else if (c == "\t") out = out "\\t"
      else out = out c
    }
    return "\"" out "\""
  }
  # The tokens of file f into L[d, 1..n]: words, "{", "}" and ";", comments dropped, quotes removed.
  function lex(f, d,   s, n, i, c, tok, q) {
    s = text[f]; n = 0; tok = ""; q = ""
    for (i = 1; i <= length(s); i++) {
      c = substr(s, i, 1)
      if (q != "") {
        if (c == "\\" && i < length(s)) { i++; tok = tok substr(s, i, 1) }
        else if (c == q) q = ""
        else tok = tok c
      } else if (c == "\"" || c == "\047") q = c
      else if (c == "#") { while (i <= length(s) && substr(s, i, 1) != "\n") i++; if (tok != "") { L[d, ++n] = tok; tok = "" } }
      else if (c == " " || c == "\t" || c == "\n" || c == "\r") { if (tok != "") { L[d, ++n] = tok; tok = "" } }
      else if (c == "{" || c == "}" || c == ";") { if (tok != "") { L[d, ++n] = tok; tok = "" } L[d, ++n] = c }
      else tok = tok c
    }
    if (tok != "") L[d, ++n] = tok
    return n
  }
  function glob_re(p,   out, i, c) {
    out = "^"
    for (i = 1; i <= length(p); i++) {
      c = substr(p, i, 1)
      if (c == "*") out = out "[^/]*"
      else if (c == "?") out = out "[^/]"
      else if (index(".+()|^$\\{}", c)) out = out "\\" c
      else out = out c
    }
    return out "$"
  }
  # The tokens of file f with its includes expanded, appended to T (TF: the file each token is written in).
  function expand(f, d,   n, k, re, i, p) {
    if (d > 16) return
    n = lex(f, d)
    for (k = 1; k <= n; k++) {
      if (L[d, k] == "include" && (k == 1 || L[d, k - 1] ~ /^[;{}]$/) && L[d, k + 2] == ";") {
        p = L[d, k + 1]
        if (substr(p, 1, 1) != "/") p = prefix "/" p
        re = glob_re(p)
        for (i = 1; i <= nfiles; i++) if (files[i] ~ re) expand(files[i], d + 1)
        k += 2
        continue
      }
      T[++nt] = L[d, k]; TF[nt] = f
    }
  }
  function size_bytes(v,   n, u) {
    n = v + 0; u = tolower(substr(v, length(v)))
    return u == "k" ? n * 1024 : u == "m" ? n * 1048576 : u == "g" ? n * 1073741824 : n
  }
  function listens(a,   p) {
    p = a ~ /^[0-9]+$/ ? a : (match(a, /:[0-9]+$/) ? substr(a, RSTART + 1) : "80")
    return p == port
  }
  # Chooses the location for uri under node p: sets PICKED, and FINAL when nginx would look no further.
  function pick(p,   k, c, best, len, res) {
    best = 0; len = -1
    for (k = 1; k <= nch[p]; k++) {
      c = ch[p, k]
      if (mod[c] == "=" && pat[c] == uri) { PICKED = c; FINAL = 1; return }
      if ((mod[c] == "" || mod[c] == "^~") && substr(uri, 1, length(pat[c])) == pat[c] && length(pat[c]) > len) {
        best = c; len = length(pat[c])
      }
    }
    res = best ? best : p
    if (best) {
      if (nch[best]) { pick(best); if (FINAL) return; res = PICKED }
      if (mod[best] == "^~") { PICKED = res; FINAL = 1; return }
    }
    for (k = 1; k <= nch[p]; k++) {
      c = ch[p, k]
      if ((mod[c] == "~" && uri ~ pat[c]) || (mod[c] == "~*" && tolower(uri) ~ tolower(pat[c]))) {
        pick(c); FINAL = 1; return
      }
    }
    PICKED = res; FINAL = 0
  }
  BEGIN { while ((getline line < realfile) > 0) { split(line, kv, "\t"); real[kv[1]] = kv[2] } }
  /^# configuration file .*:$/ {
    f = substr($0, 22, length($0) - 22); files[++nfiles] = f; text[f] = ""
    if (nfiles == 1) { prefix = f; sub(/\/[^\/]*$/, "", prefix) }
    next
  }
  nfiles > 0 { text[f] = text[f] $0 "\n" }
  END {
    if (nfiles == 0) exit
    expand(files[1], 1)
    # Nodes: 1 = http; servers and locations from 2. kind/node per block depth; node -1 = a block whose
    # directives do not count (events, if, map, types, ...).
    nodes = 1; depth = 0; node[0] = 0; nw = 0
    for (i = 1; i <= nt; i++) {
      t = T[i]
      if (t != "{" && t != ";" && t != "}") { W[++nw] = t; if (nw == 1) WF = TF[i]; continue }
      cur = node[depth]
      if (t == "{") {
        n = -1
        if (W[1] == "http" && cur == 0) n = 1
        else if (W[1] == "server" && cur == 1) { n = ++nodes; isserver[n] = 1; sfile[n] = WF; servers[++nserv] = n }
        else if (W[1] == "location" && cur > 1) {
          n = ++nodes; up[n] = cur; ch[cur, ++nch[cur]] = n
          if (nw >= 3) { mod[n] = W[2]; pat[n] = W[3] } else { mod[n] = ""; pat[n] = W[2] }
          where[n] = (mod[n] == "" ? "" : mod[n] " ") pat[n]
        }
        node[++depth] = n
      } else if (t == ";") {
        if (W[1] == "client_max_body_size" && cur > 0) { cm[cur] = W[2]; cmf[cur] = WF }
        if (W[1] == "listen" && isserver[cur] && listens(W[2])) on_port[cur] = 1
      } else if (depth > 0) depth--
      nw = 0
    }
    chosen = 0
    for (k = 1; k <= nserv; k++) if (on_port[servers[k]] && real[sfile[servers[k]]] == site) { chosen = servers[k]; break }
    if (!chosen) for (k = 1; k <= nserv; k++) if (on_port[servers[k]]) { chosen = servers[k]; break }
    if (!chosen) { print "{\"server_file\": null, \"in_site\": false, \"location\": null, \"value\": null, \"bytes\": 1048576, \"set_in\": null}"; exit }
    pick(chosen)
    for (n = PICKED; n != chosen && !(n in cm); n = up[n]) {}
    if (!(n in cm) && (1 in cm)) n = 1
    v = (n in cm) ? cm[n] : ""
    printf "{\"server_file\": %s, \"in_site\": %s, \"location\": %s, ", json(sfile[chosen]), real[sfile[chosen]] == site ? "true" : "false", json(where[PICKED])
    printf "\"value\": %s, \"bytes\": %.0f, \"set_in\": %s}\n", json(v), v == "" ? 1048576 : size_bytes(v), json(v == "" ? "" : cmf[n])
  }
' "$tmp/dump"
