#!/usr/bin/env python3
"""The product at scale: a database of N stored entries (default 1,000,000), then the queries an editor runs on it and a
200-feed poll into it, against the same poll into an empty database.

Usage (from the repository root, after `dotnet publish src/EmbeddedAiReport.Worker -c Release -o APP`):
  python3 bench/scale.py APP [--entries 1000000] [--repeat 3] [--work DIR]
The database is built by `bench/EmbeddedAiReport.Bench scale-db` through the product's own ingest path (entries dated
3 minutes apart back from 2024-06-01, so the peerbench feeds, dated April-May 2024, land in its newest weeks); it is kept
in WORK and reused when it already holds that many entries. Every figure is one process, start to exit (wall), median of
--repeat runs; the poll is the peerbench workload (bench/peerbench: 200 feeds x 50 entries) served on 127.0.0.1.
"""
import argparse, json, os, pathlib, shutil, sqlite3, statistics, subprocess, sys, tempfile, time, urllib.request

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent
NEWEST = "2024-06-01T08:00:00Z"
WEEK = "2024-W21"   # the newest full week of the database (Shanghai): about 3,360 entries


def run(cmd, **kw):
    """Runs one process; returns (wall seconds, peak RSS MB, CPU seconds, completed process)."""
    t0 = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-f", "%M %U %S", *cmd], capture_output=True, text=True, **kw)
    wall = time.perf_counter() - t0
    if p.returncode != 0:
        sys.exit(f"failed ({p.returncode}): {' '.join(cmd)}\n{p.stderr[-2000:]}")
    rss, user, system = p.stderr.strip().splitlines()[-1].split()
    return wall, int(rss) / 1024, float(user) + float(system), p


def flush(path):
    """Writes PATH and its folder entry to disk (fsync)."""
    for target, flags in ((path, os.O_RDONLY), (path.parent, os.O_RDONLY | os.O_DIRECTORY)):
        fd = os.open(target, flags)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def count(db):
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return con.execute("SELECT count(*) FROM entries").fetchone()[0]
    finally:
        con.close()


def worker_command(folder):
    """The command of a published worker: `dotnet X.dll` for the JIT build, the executable itself when native (no dll)."""
    folder = pathlib.Path(folder).resolve()
    dll = folder / "EmbeddedAiReport.Worker.dll"
    return ["dotnet", str(dll)] if dll.exists() else [str(folder / "EmbeddedAiReport.Worker")]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("app", help="folder of the published worker: the native binary, or EmbeddedAiReport.Worker.dll")
    ap.add_argument("--entries", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--work", default=None)
    a = ap.parse_args()
    worker = worker_command(a.app)
    work = pathlib.Path(a.work or tempfile.mkdtemp(prefix="eair-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    big = work / f"scale-{a.entries}.db"

    if not big.exists() or count(big) != a.entries:
        for f in (big, pathlib.Path(str(big) + "-wal"), pathlib.Path(str(big) + "-shm")):
            f.unlink(missing_ok=True)
        print(f"[scale] building {a.entries} entries into {big} (the product's ingest path; minutes)", file=sys.stderr)
        t0 = time.perf_counter()
        subprocess.run(["dotnet", "run", "-c", "Release", "--project", str(ROOT / "bench/EmbeddedAiReport.Bench"), "--",
                        "scale-db", str(a.entries), str(big), "--newest", NEWEST], check=True, stdout=sys.stderr)
        print(f"[scale] built in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    size = big.stat().st_size
    stored = count(big)

    # The editor's queries on the big database (read-only: a copy is not needed).
    cfg = work / "config"
    if not cfg.exists():
        shutil.copytree(ROOT / "config", cfg)
    queries = {}
    for name, args in (("export --week", ["export", "--week", WEEK]), ("entries --week", ["entries", "--week", WEEK])):
        samples = [run([*worker, *args, "--config", str(cfg), "--db", str(big)], cwd=ROOT)[0] for _ in range(a.repeat)]
        queries[name] = statistics.median(samples)

    # The 200-feed poll into an empty database and into a copy of the big one, same server, interleaved.
    feeds = work / "workload"
    port_file = work / "port"
    port_file.unlink(missing_ok=True)
    server = subprocess.Popen([sys.executable, str(HERE / "peerbench/serve.py"), str(feeds), "--port", "0", "--port-file", str(port_file),
                               "--time-limit", "7200"], stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            if port_file.exists() and port_file.read_text().strip():
                break
            time.sleep(0.1)
        port = port_file.read_text().strip()
        subprocess.run([sys.executable, str(HERE / "peerbench/gen_feeds.py"), "--out", str(feeds), "--port", port], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        urls = (feeds / "urls.txt").read_text().split()
        for u in urls:   # warm the server's cache, as peerbench does
            urllib.request.urlopen(urllib.request.Request(u, headers={"X-Peerbench-Warmup": "1"}), timeout=10).read()
        json.dump({"sources": [{"id": f"bench-{n:04d}", "kind": "feed", "url": u, "allowPrivateNetwork": True} for n, u in enumerate(urls)]},
                  open(cfg / "sources.json", "w"))
        polls = {"empty": [], "1M": []}
        rss = {"empty": 0.0, "1M": 0.0}
        for _ in range(a.repeat):
            for label in polls:
                db = work / f"poll-{label}.db"
                for f in (db, pathlib.Path(str(db) + "-wal"), pathlib.Path(str(db) + "-shm")):
                    f.unlink(missing_ok=True)
                if label == "1M":
                    shutil.copyfile(big, db)
                    # On disk before the clock starts: otherwise the poll's first WAL checkpoint (an fsync of the database
                    # file) pays for writing out the whole fresh 2.5 GB copy, ~1 s here, which no real database has to do.
                    flush(db)
                wall, peak, _, p = run([*worker, "poll", "--all", "--config", str(cfg), "--db", str(db)], cwd=ROOT)
                polls[label].append(wall)
                rss[label] = max(rss[label], peak)
                last = p.stdout.strip().splitlines()[-1]
        poll = {k: statistics.median(v) for k, v in polls.items()}
    finally:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/__quit", timeout=5).read()
        except Exception:
            server.kill()
        server.wait()

    print(f"\n### scale: {stored:,} stored entries ({size / 1e9:.2f} GB, {size // max(1, stored):,} bytes per entry), "
          f"{os.cpu_count()} cores, medians of {a.repeat}\n")
    print("| figure | value | goal |")
    print("|---|---|---|")
    print(f"| `export --week {WEEK}` (process wall) | {queries['export --week']:.2f} s | < 1 s |")
    print(f"| `entries --week {WEEK}` (process wall) | {queries['entries --week']:.2f} s | < 0.5 s |")
    print(f"| 200-feed cold poll, empty database | {poll['empty']:.2f} s (peak RSS {rss['empty']:.0f} MB) | |")
    print(f"| 200-feed cold poll, {stored:,}-entry database | {poll['1M']:.2f} s (peak RSS {rss['1M']:.0f} MB), "
          f"{poll['1M'] / poll['empty']:.2f}x | ≤ 1.5x |")
    print(f"| bytes per stored entry | {size // max(1, stored):,} | reported |")
    print(f"\nPoll samples: empty {'/'.join(f'{s:.2f}' for s in polls['empty'])}; big {'/'.join(f'{s:.2f}' for s in polls['1M'])}. "
          f"Last poll: {last}. Work: {work}")


if __name__ == "__main__":
    main()
