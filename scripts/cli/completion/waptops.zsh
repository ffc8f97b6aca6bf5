#compdef waptops
# zsh completion for waptops. Load it with: source <(waptops completion zsh)
# (or save it as _waptops in a directory of $fpath). Every candidate comes from `waptops __complete`.

_waptops() {
  local line="${(j: :)words[1,CURRENT-1]} $PREFIX"
  local -a replies spaced halves
  replies=("${(@f)$(${words[1]} __complete zsh "$PREFIX" "$line" 2>/dev/null)}")
  replies=(${replies:#})
  if (( ${#replies} == 0 )); then
    _files
    return
  fi
  local r
  for r in $replies; do
    if [[ $r == *[=,] ]]; then halves+=("$r"); else spaced+=("$r"); fi
  done
  (( ${#spaced} )) && compadd -Q -- "${spaced[@]}"
  (( ${#halves} )) && compadd -Q -S '' -- "${halves[@]}"
  return 0
}

if (( $+functions[compdef] )); then
  compdef _waptops waptops
fi
