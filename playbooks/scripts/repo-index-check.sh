#!/bin/sh
# Compares the .wapt files of a repository folder ($1) with the entries of its Packages index (a zip whose
# Packages member holds one control block per package, blocks separated by blank lines, with filename and
# md5sum), as agents see it. Prints one JSON line:
#   {"repo": R, "index": B, "unlisted": N, "unlisted_files": "a.wapt, b.wapt", "missing": N, "missing_files": ...,
#    "md5": N, "md5_files": ...}
# unlisted: a .wapt file no entry names (host packages, section host, are left out of Packages on purpose);
# missing: an entry whose file is not in the folder; md5: an entry whose md5sum is not the file's.
# index is false when there is no Packages file. Exits 3 when the folder or the index cannot be read.
set -u
repo=${1%/}
[ -d "$repo" ] || {
  echo "no repository folder $repo" >&2
  exit 3
}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
index=false
: >"$tmp/index"
if [ -e "$repo/Packages" ]; then
  unzip -p "$repo/Packages" Packages >"$tmp/index" 2>"$tmp/err" || {
    echo "cannot read the Packages member of $repo/Packages: $(tail -n 1 "$tmp/err")" >&2
    exit 3
  }
  index=true
fi
# One line per file: name, md5, section of its WAPT/control.
for f in "$repo"/*.wapt; do
  [ -f "$f" ] || continue
  section=$(unzip -p "$f" WAPT/control 2>/dev/null | LC_ALL=C awk -F: 'tolower($1) ~ /^section[ \t]*$/ { v = $2; gsub(/^[ \t]+|[ \t\r]+$/, "", v); print v; exit }')
  printf '%s\t%s\t%s\n' "${f##*/}" "$(md5sum <"$f" | cut -d ' ' -f 1)" "$section"
done >"$tmp/files"
LC_ALL=C awk -v repo="$repo" -v index_found="$index" -v filelist="$tmp/files" '
  function json(s,   out, i, c) {
    out = ""
    for (i = 1; i <= length(s); i++) {
      c = substr(s, i, 1)
      if (c == "\\" || c == "\"") out = out "\\" c
      else if (c == "\t") out = out "\\t"
      else out = out c
    }
    return "\"" out "\""
  }
  function add(kind, name) { count[kind]++; names[kind] = names[kind] (count[kind] > 1 ? ", " : "") name }
  function flush() {
    if (fn != "") {
      listed[fn] = 1
      if (!(fn in md5)) add("missing", fn)
      else if (sum != "" && tolower(sum) != md5[fn]) add("md5", fn)
    }
    fn = ""; sum = ""
  }
  BEGIN {
    while ((getline line < filelist) > 0) {
      split(line, fields, "\t"); order[++nfiles] = fields[1]; md5[fields[1]] = fields[2]; section[fields[1]] = fields[3]
    }
    FS = ":"
  }
  /^[ \t\r]*$/ { flush(); next }
  /^[^ \t]/ {
    key = tolower($1); gsub(/[ \t]+$/, "", key)
    value = substr($0, index($0, ":") + 1); gsub(/^[ \t]+|[ \t\r]+$/, "", value)
    if (key == "filename") { fn = value; sub(/.*\//, "", fn) }
    else if (key == "md5sum") sum = value
  }
  END {
    flush()
    for (i = 1; i <= nfiles; i++) if (!(order[i] in listed) && section[order[i]] != "host") add("unlisted", order[i])
    printf "{\"repo\": %s, \"index\": %s", json(repo), index_found
    n = split("unlisted missing md5", kinds, " ")
    for (i = 1; i <= n; i++) printf ", \"%s\": %d, \"%s_files\": %s", kinds[i], count[kinds[i]], kinds[i], json(names[kinds[i]])
    print "}"
  }
' "$tmp/index"
