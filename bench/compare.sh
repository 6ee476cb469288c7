#!/usr/bin/env bash
# The side-by-side benchmark of issue 14, one command, from the repository root:
#   bench/compare.sh                  # peerbench (newsboat, the raw limit, the product; REPEAT=3) + the product at 1 M entries
#   SCALE=0 bench/compare.sh          # peerbench only
# Env: REPEAT (3), SCALE (1000000 entries; 0 skips), JIT (1: the JIT build as a second product row in the same peerbench
# run; 0 skips), WORK (a new temp folder; kept), plus peerbench's own (see bench/peerbench/README.md).
# The product is the native binary (dotnet publish -p:PublishAot=true for this machine's processor; README "A native
# binary"), checked first against the JIT build by bench/native_check.py. Then the idle daemon's resident memory
# (bench/idle_daemon.py) on the last product run's config and database. Installs newsboat, GNU time, clang and zlib1g-dev
# with apt when missing. Needs the .NET SDK and python3. Takes about 4 minutes to publish, 3 minutes for peerbench and,
# the first time, 10-20 minutes to build the 1 M-entry database (kept in WORK for reruns).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
REPEAT=${REPEAT:-3} SCALE=${SCALE:-1000000} JIT=${JIT:-1}
WORK=${WORK:-$(mktemp -d -t eair-compare.XXXXXX)}
mkdir -p "$WORK"
echo "[compare] work folder $WORK" >&2

if ! command -v clang >/dev/null || ! [ -e /usr/include/zlib.h ]; then
  echo "[compare] installing clang and zlib1g-dev (the native compiler's linker)" >&2
  (apt-get install -y -q clang zlib1g-dev || (apt-get update -q && apt-get install -y -q clang zlib1g-dev)) >"$WORK/apt.log" 2>&1 \
    || { cat "$WORK/apt.log" >&2; exit 1; }
fi
dotnet publish src/EmbeddedAiReport.Worker -c Release -o "$WORK/app" -nologo -v q >"$WORK/publish.log" 2>&1 \
  || { cat "$WORK/publish.log" >&2; exit 1; }
# The machine's own instruction set, as the JIT build uses it (the near-duplicate hashing is vectorized).
dotnet publish src/EmbeddedAiReport.Worker -c Release -p:PublishAot=true -p:IlcInstructionSet=native -o "$WORK/native" -nologo -v q >"$WORK/publish-native.log" 2>&1 \
  || { cat "$WORK/publish-native.log" >&2; exit 1; }
python3 bench/native_check.py "$WORK/native/EmbeddedAiReport.Worker" "$WORK/app/EmbeddedAiReport.Worker.dll" | tee "$WORK/native-check.txt"

# The product's config (the project's config/ with one feed source per URL) is written before each repetition, unmeasured,
# as newsboat's config file is; the timed command is the worker alone. The JIT build is peerbench's fourth contender, run
# right after the native one in each repetition of the same run.
SETUP="python3 $ROOT/bench/peerbench/product_contender.py --setup {urls} {workdir}"
POLL="poll --all --config {workdir}/product-config --db {db}"
if [ "$JIT" != 0 ]; then
  export CONTENDER2_NAME="product (JIT)" CONTENDER2_RESET_CMD="$SETUP" CONTENDER2_CMD="exec dotnet $WORK/app/EmbeddedAiReport.Worker.dll $POLL"
fi
CONTENDER_NAME=product CONTENDER_RESET_CMD="$SETUP" CONTENDER_CMD="exec $WORK/native/EmbeddedAiReport.Worker $POLL" \
  WORK="$WORK/peerbench" REPEAT="$REPEAT" bench/peerbench/run_bench.sh | tee "$WORK/peerbench.md"

# The idle daemon on the product's config and database of the last peerbench repetition (9,000 entries, 200 sources).
python3 bench/idle_daemon.py "$WORK/native" "$WORK/peerbench/contender/product-config" "$WORK/peerbench/contender/contender.db" \
  --repeat "$REPEAT" | tee "$WORK/idle.md"

if [ "$SCALE" != 0 ]; then
  python3 bench/scale.py "$WORK/native" --entries "$SCALE" --repeat "$REPEAT" --work "$WORK/scale" | tee "$WORK/scale.md"
fi
echo "[compare] $(date -u +%Y-%m-%d) results: $WORK/native-check.txt, $WORK/peerbench.md, $WORK/idle.md$([ "$SCALE" = 0 ] || echo " and $WORK/scale.md")" >&2
