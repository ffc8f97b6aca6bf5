# bash completion for waptops. Load it with: source <(waptops completion bash)
# Every candidate comes from `waptops __complete`, so it follows the waptops that is installed: commands,
# options, runbooks, the hosts and groups of the inventory, and the params of the runbook on the line.

_waptops_complete() {
  local cur=${COMP_WORDS[COMP_CWORD]}
  local line=${COMP_LINE:0:COMP_POINT}
  mapfile -t COMPREPLY < <("${COMP_WORDS[0]}" __complete bash "$cur" "$line" 2>/dev/null)
  # `name=` and `host,` are halves of a word: no space after them.
  if [[ ${#COMPREPLY[@]} -eq 1 && ${COMPREPLY[0]} == *[=,] ]]; then
    compopt -o nospace 2>/dev/null || true
  fi
}

# With no candidate (a file argument), bash completes file names.
complete -o default -F _waptops_complete waptops
