#!/usr/bin/env bash
# Runs a command and appends to FILE the CPU seconds the PostgreSQL cluster in DATA_DIR spent meanwhile (the postmaster,
# its live processes and those it reaped: a session's backend ends with its connection). Used by bench/postgres.sh so
# that the server's share counts beside the worker's own CPU.
#   bench/postgres_cpu.sh DATA_DIR FILE -- COMMAND...
set -uo pipefail
data=$1 out=$2; shift 3
ticks() {
  local pid t c; pid=$(head -1 "$data/postmaster.pid")
  t=$(awk '{print $14 + $15 + $16 + $17}' "/proc/$pid/stat")
  for c in $(pgrep -P "$pid"); do t=$((t + $(awk '{print $14 + $15}' "/proc/$c/stat" 2>/dev/null || echo 0))); done
  echo "$t"
}
before=$(ticks)
"$@"; rc=$?
after=$(ticks)
python3 -c 'import sys; print((int(sys.argv[2]) - int(sys.argv[1])) / int(sys.argv[3]))' "$before" "$after" "$(getconf CLK_TCK)" >>"$out"
exit $rc
