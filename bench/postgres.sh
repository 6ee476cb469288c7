#!/usr/bin/env bash
# The speed figure of issue 17, one command, from the repository root: the peerbench workload (200 feeds x 50 entries)
# ingested by the product on SQLite and on PostgreSQL, interleaved per repetition, each cold and then twice more on
# the same database, against a throwaway PostgreSQL cluster with its default durability (fsync and synchronous commit on).
#   bench/postgres.sh                 # REPEAT=3
# Env: REPEAT (3), WORK (a new temp folder; kept), APP (an already published worker folder: no publish), PG_SETTINGS (extra postgres -c settings, e.g. "synchronous_commit=off"),
# plus peerbench's own (see bench/peerbench/README.md). Needs the .NET SDK and python3; installs postgresql with apt when missing.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
REPEAT=${REPEAT:-3}
WORK=${WORK:-$(mktemp -d -t eair-postgres-bench.XXXXXX)}
mkdir -p "$WORK"
echo "[postgres-bench] work folder $WORK" >&2

. .ci/postgres.sh
# shellcheck disable=SC2086
start_postgres ${PG_SETTINGS:-}
PSQL="$PG_BIN/psql -h 127.0.0.1 -p $PG_PORT -U postgres -X -q"

if [ -z "${APP:-}" ]; then
  APP="$WORK/app"
  dotnet publish src/EmbeddedAiReport.Worker -c Release -o "$APP" -nologo -v q >"$WORK/publish.log" 2>&1 \
    || { cat "$WORK/publish.log" >&2; exit 1; }
fi
WORKER="dotnet $APP/EmbeddedAiReport.Worker.dll"
CONNECTION="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=peerbench"

# The same contender twice; the PostgreSQL one gets a fresh database before each repetition (not measured) and its
# Storage settings through the environment (EAIR_ overrides appsettings.json).
CONTENDER_NAME=product-sqlite \
CONTENDER_CMD="python3 $ROOT/bench/peerbench/product_contender.py {urls} {db} {workdir} $WORKER" \
CONTENDER2_NAME=product-postgres \
CONTENDER2_RESET_CMD="$PSQL -d postgres -c 'DROP DATABASE IF EXISTS peerbench WITH (FORCE)' -c 'CREATE DATABASE peerbench'" \
CONTENDER2_CMD="$ROOT/bench/postgres_cpu.sh $PG_DIR/data $WORK/server-cpu.txt -- env EAIR_Storage__Provider=postgres EAIR_Storage__ConnectionString='$CONNECTION' python3 $ROOT/bench/peerbench/product_contender.py {urls} {db} {workdir} $WORKER" \
CONTENDER2_COUNT_SQL="cmd:$PSQL -d peerbench -Atc 'SELECT count(*) FROM entries'" \
SKIP_NEWSBOAT=1 SKIP_LIMIT=1 WORK="$WORK/peerbench" REPEAT="$REPEAT" bench/peerbench/run_bench.sh | tee "$WORK/peerbench.md"

python3 - "$WORK/peerbench/runs.jsonl" "$WORK/server-cpu.txt" <<'PY' | tee -a "$WORK/peerbench.md"
import json, statistics, sys
runs = [json.loads(l) for l in open(sys.argv[1])]
# The PostgreSQL runs in order (cold, warm2, warm3 per repetition), each with the cluster's CPU during it.
server = [float(l) for l in open(sys.argv[2]) if l.strip()]
for r, cpu in zip([r for r in runs if r["name"] == "product-postgres"], server):
    r["server_s"] = cpu
def med(name, run, key):
    return statistics.median(r[key] if key != "cpu" else (r["user_s"] or 0) + (r["sys_s"] or 0)
                             for r in runs if r["name"] == name and r["run"] == run)
print()
for run in ("cold", "warm2", "warm3"):
    s, p = med("product-sqlite", run, "wall_s"), med("product-postgres", run, "wall_s")
    print(f"{run}: PostgreSQL / SQLite wall = {p:.2f} s / {s:.2f} s = {p / s:.2f}x")
s, p = med("product-sqlite", "cold", "cpu"), med("product-postgres", "cold", "cpu")
print(f"cold, worker CPU (user+sys): PostgreSQL {p:.2f} s / SQLite {s:.2f} s = {p / s:.2f}x")
server = statistics.median(r["server_s"] for r in runs if r["name"] == "product-postgres" and r["run"] == "cold")
print(f"cold, worker + PostgreSQL server CPU: {p + server:.2f} s / SQLite {s:.2f} s = {(p + server) / s:.2f}x (server {server:.2f} s)")
print("cold wall samples: SQLite " + "/".join(f"{r['wall_s']:.2f}" for r in runs if r["name"] == "product-sqlite" and r["run"] == "cold")
      + "; PostgreSQL " + "/".join(f"{r['wall_s']:.2f}" for r in runs if r["name"] == "product-postgres" and r["run"] == "cold"))
print("goal (issue 17): PostgreSQL within 2x of SQLite")
PY
echo "[postgres-bench] $(date -u +%Y-%m-%d) results: $WORK/peerbench.md" >&2
