#!/usr/bin/env bash
# The side-by-side benchmark of issue 14, one command, from the repository root:
#   bench/compare.sh                  # peerbench (newsboat, the raw limit, the product; REPEAT=3) + the product at 1 M entries
#   SCALE=0 bench/compare.sh          # peerbench only
# Env: REPEAT (3), SCALE (1000000 entries; 0 skips), WORK (a new temp folder; kept), plus peerbench's own (see bench/peerbench/README.md).
# Then the idle daemon's resident memory (bench/idle_daemon.py) on the last product run's config and database.
# Installs newsboat and GNU time with apt when missing (peerbench does). Needs the .NET SDK and python3. Takes about
# 2 minutes for peerbench and, the first time, 10-20 minutes to build the 1 M-entry database (kept in WORK for reruns).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
REPEAT=${REPEAT:-3} SCALE=${SCALE:-1000000}
WORK=${WORK:-$(mktemp -d -t eair-compare.XXXXXX)}
mkdir -p "$WORK"
echo "[compare] work folder $WORK" >&2

dotnet publish src/EmbeddedAiReport.Worker -c Release -o "$WORK/app" -nologo -v q >"$WORK/publish.log" 2>&1 \
  || { cat "$WORK/publish.log" >&2; exit 1; }

# The product's config (the project's config/ with one feed source per URL) is written before each repetition, unmeasured,
# as newsboat's config file is; the timed command is the worker alone.
CONTENDER_NAME=product \
CONTENDER_RESET_CMD="python3 $ROOT/bench/peerbench/product_contender.py --setup {urls} {workdir}" \
CONTENDER_CMD="exec dotnet $WORK/app/EmbeddedAiReport.Worker.dll poll --all --config {workdir}/product-config --db {db}" \
WORK="$WORK/peerbench" REPEAT="$REPEAT" bench/peerbench/run_bench.sh | tee "$WORK/peerbench.md"

# The idle daemon on the product's config and database of the last peerbench repetition (9,000 entries, 200 sources).
python3 bench/idle_daemon.py "$WORK/app" "$WORK/peerbench/contender/product-config" "$WORK/peerbench/contender/contender.db" \
  --repeat "$REPEAT" | tee "$WORK/idle.md"

if [ "$SCALE" != 0 ]; then
  python3 bench/scale.py "$WORK/app" --entries "$SCALE" --repeat "$REPEAT" --work "$WORK/scale" | tee "$WORK/scale.md"
fi
echo "[compare] $(date -u +%Y-%m-%d) results: $WORK/peerbench.md, $WORK/idle.md${SCALE:+ and $WORK/scale.md}" >&2
