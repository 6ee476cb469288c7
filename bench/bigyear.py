#!/usr/bin/env python3
"""A big installation's history: a database of N entries (default 50,000) over the ~60 weeks of the 25 past issues in
tests' Fixtures/corpus (2019-03 .. 2020-05), then the commands that walk all of it, each one process timed start to exit
with its peak RSS: `import-issue` of the 25 issues, `train`, `rescore --all`, `rescore` (after the last issue), `backup`,
`evaluate`, and the daemon's start rescoring every entry (no issue recorded) after the models changed.

Usage (from the repository root, after `dotnet build -c Release src/EmbeddedAiReport.Worker`):
  python3 bench/bigyear.py [--app src/EmbeddedAiReport.Worker/bin/Release/net10.0] [--entries 50000] [--work DIR]
The entries are polled into the database by the product itself (`poll --all`) from ~100 feeds served on 127.0.0.1: the
editor's own 454 items (Fixtures/corpus-items, their real URLs, dated in the two weeks before their issue) among
arXiv announcements and blog posts made of real text — titles and 2–5 sentences drawn from different arXiv abstracts
(/work/shared/corpus/flood) and past items, so unrelated entries share few sentences and near-duplicate stories stay
small. Seeded: the same arguments give the same feeds. The database is kept in WORK and reused when it holds that many
entries or more; every command that writes runs on a fresh copy of it. Prints a markdown table for bench/HISTORY.md.
"""
import argparse, hashlib, http.server, json, os, pathlib, random, re, shutil, socketserver, subprocess, sys, tempfile, threading, time
from datetime import datetime, timedelta, timezone

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent
FIX = ROOT / "tests/EmbeddedAiReport.Tests/Fixtures"
FLOOD = pathlib.Path("/work/shared/corpus/flood")
START = datetime(2019, 3, 11, tzinfo=timezone.utc)   # two weeks before the first issue's window
END = datetime(2020, 5, 15, tzinfo=timezone.utc)     # the last issue
CATEGORIES = ["cs.CV", "cs.LG", "cs.AR", "cs.CL", "cs.AI", "eess.IV"]
BLOGS = 94

sys.path.insert(0, str(HERE))
from bigweek import esc  # noqa: E402  (the same escaping as the flooded week's feeds)
from scale import count, run, worker_command  # noqa: E402


def texts():
    """Sentences and titles of real text: the arXiv flood's abstracts, and the past issues' items (with their own items)."""
    titles, sentences, items = [], [], []
    for f in sorted(FLOOD.glob("*.jsonl")):
        for line in f.read_text(encoding="utf-8").splitlines():
            if line.strip():
                o = json.loads(line)
                titles.append(o["title"])
                sentences += [s for s in re.split(r"(?<=[.!?])\s+", o["summary"]) if len(s) > 30]
    for f in sorted((FIX / "corpus-items").glob("*.jsonl")):
        for line in f.read_text(encoding="utf-8").splitlines():
            if line.strip():
                o = json.loads(line)
                items.append(o)
                titles.append(o["title"].split(" | ")[0])
                sentences += [s for s in re.split(r"(?<=[。！？.!?])\s*", o.get("summary") or "") if len(s) > 15]
    return titles, sentences, items


def mixed(rng, titles, sentences):
    """A title of two real titles' halves and a summary of 2–5 sentences of different texts."""
    a, b = rng.sample(titles, 2)
    wa, wb = a.split(), b.split()
    title = " ".join(wa[: len(wa) // 2] + wb[len(wb) // 2:]) if len(wa) > 2 and len(wb) > 2 else a[: len(a) // 2] + b[len(b) // 2:]
    return title, " ".join(rng.sample(sentences, rng.randint(2, 5)))


def rfc822(d):
    return d.strftime("%a, %d %b %Y %H:%M:%S +0000")


def build(n, port):
    """(feeds by path, sources): N entries, the editor's items included, over START .. END."""
    rng = random.Random(20191125)
    titles, sentences, items = texts()
    span = (END - START).total_seconds()
    base = f"http://127.0.0.1:{port}"
    papers = {c: [] for c in CATEGORIES}
    blogs = [[] for _ in range(BLOGS)]
    for k, o in enumerate(items):   # the editor's items: dated 1–14 days before their issue, in the blogs' feeds
        d = datetime.fromisoformat(o["issue"]).replace(tzinfo=timezone.utc) - timedelta(days=1 + rng.random() * 13)
        blogs[k % BLOGS].append((d, o["title"], o["url"], o.get("summary") or o["title"]))
    for i in range(n - len(items)):
        d = START + timedelta(seconds=rng.random() * span)
        title, summary = mixed(rng, titles, sentences)
        if rng.random() < 0.4:
            papers[CATEGORIES[i % len(CATEGORIES)]].append((d, title, f"{d:%y%m}.{i:05d}", summary))
        else:
            b = rng.randrange(BLOGS)
            blogs[b].append((d, title, f"https://blog{b}.example.com/{d:%Y/%m}/{hashlib.sha1(title.encode()).hexdigest()[:12]}", summary))
    feeds, sources = {}, []
    for cat, rows in papers.items():
        out = []
        for d, title, aid, summary in sorted(rows, reverse=True):
            out.append(f"""<item><title>{esc(title)}</title><link>https://arxiv.org/abs/{aid}</link>
<description>arXiv:{aid}v1 Announce Type: new 
Abstract: {esc(summary)}</description><guid isPermaLink="false">oai:arXiv.org:{aid}v1</guid><category>{cat}</category>
<pubDate>{rfc822(d)}</pubDate><arxiv:announce_type>new</arxiv:announce_type></item>""")
        feeds[f"/arxiv/rss/{cat}"] = f"""<?xml version='1.0' encoding='UTF-8'?>
<rss xmlns:arxiv="http://arxiv.org/schemas/atom" version="2.0"><channel><title>{cat} updates on arXiv.org</title>
<link>http://rss.arxiv.org/rss/{cat}</link><description>{cat}</description>{''.join(out)}</channel></rss>"""
        sources.append({"id": f"arxiv-{cat.lower().replace('.', '-')}", "kind": "arxiv-rss", "category": cat,
                        "url": f"{base}/arxiv/rss/{cat}", "schedule": "24h", "allowPrivateNetwork": True})
    for b, rows in enumerate(blogs):
        out = [f"""<item><title>{esc(title)}</title><link>{esc(url)}</link>
<description>{esc(summary)}</description><pubDate>{rfc822(d)}</pubDate></item>""" for d, title, url, summary in sorted(rows, reverse=True)]
        feeds[f"/blog/{b}.xml"] = f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Edge AI blog {b}</title><link>https://blog{b}.example.com/</link>
<description>blog</description>{''.join(out)}</channel></rss>"""
        sources.append({"id": f"blog-{b}", "kind": "feed", "url": f"{base}/blog/{b}.xml", "schedule": "24h", "allowPrivateNetwork": True})
    return feeds, sources


def serve(bodies):
    """Serves BODIES (path -> bytes, read at each request, so it can be filled once the port is known) on 127.0.0.1."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = bodies.get(self.path)
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", str(len(body or b"")))
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, *args):
            pass

    class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
        daemon_threads = True

    server = Server(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def copy(db, to):
    for suffix in ("", "-wal", "-shm"):
        pathlib.Path(str(to) + suffix).unlink(missing_ok=True)
    shutil.copyfile(db, to)
    return to


def daemon_start(worker, cfg, db, port):
    """The daemon on DB until it logs its start's rescoring (4803); returns (seconds to that line, its peak RSS MB then, the line)."""
    env = dict(os.environ, Report__Urls=f"http://127.0.0.1:{port}")
    t0 = time.perf_counter()
    p = subprocess.Popen([*worker, "run", "--config", str(cfg), "--db", str(db)], cwd=ROOT, env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    line, wall, rss = None, float("nan"), float("nan")
    try:
        for out in p.stdout:
            if "Rescored" in out or "Rescoring the stored entries failed" in out:
                line, wall = out.strip(), time.perf_counter() - t0
                status = pathlib.Path(f"/proc/{p.pid}/status").read_text()
                rss = int(re.search(r"VmHWM:\s+(\d+)", status).group(1)) / 1024
                break
    finally:
        p.terminate()   # SIGTERM: the daemon stops cleanly
        p.communicate(timeout=120)
    return wall, rss, line


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--app", default=str(ROOT / "src/EmbeddedAiReport.Worker/bin/Release/net10.0"),
                    help="folder of the built or published worker (EmbeddedAiReport.Worker.dll, or the native executable)")
    ap.add_argument("--entries", type=int, default=50_000)
    ap.add_argument("--work", default=None)
    ap.add_argument("--port", type=int, default=5187, help="the daemon's listen port for its start")
    a = ap.parse_args()
    worker = worker_command(a.app)
    work = pathlib.Path(a.work or tempfile.mkdtemp(prefix="eair-bigyear-"))
    work.mkdir(parents=True, exist_ok=True)
    cfg, fresh = work / "config", work / f"polled-{a.entries}.db"
    rows = []

    if not fresh.exists() or count(fresh) < a.entries * 0.9:
        for suffix in ("", "-wal", "-shm"):
            pathlib.Path(str(fresh) + suffix).unlink(missing_ok=True)
        bodies = {}
        server = serve(bodies)
        feeds, sources = build(a.entries, server.server_address[1])
        bodies.update((path, body.encode("utf-8")) for path, body in feeds.items())
        if cfg.exists():
            shutil.rmtree(cfg)
        shutil.copytree(ROOT / "config", cfg)
        (cfg / "sources.json").write_text(json.dumps({"sources": sources}, indent=1), encoding="utf-8")
        print(f"[bigyear] polling {a.entries:,} entries from {len(sources)} feeds into {fresh}", file=sys.stderr)
        wall, rss, cpu, p = run([*worker, "poll", "--all", "--config", str(cfg), "--db", str(fresh)], cwd=ROOT)
        server.shutdown()
        rows.append(("`poll --all` (builds the database)", wall, cpu, rss, p.stdout.strip().splitlines()[-1]))
    stored = count(fresh)

    labelled = copy(fresh, work / "labelled.db")
    issues = sorted(str(f) for f in (FIX / "corpus").glob("20*.md"))
    wall, rss, cpu, p = run([*worker, "import-issue", *issues, "--config", str(cfg), "--db", str(labelled)], cwd=ROOT)
    rows.append((f"`import-issue` of {len(issues)} issues", wall, cpu, rss, p.stdout.strip().splitlines()[-1]))

    models = work / "trained"
    shutil.rmtree(models, ignore_errors=True)
    db = copy(labelled, work / "scratch.db")
    wall, rss, cpu, p = run([*worker, "train", "--out", str(models), "--config", str(cfg), "--db", str(db)], cwd=ROOT)
    rows.append(("`train --out DIR`", wall, cpu, rss, p.stdout.strip().splitlines()[-1]))

    db = copy(labelled, work / "scratch.db")
    wall, rss, cpu, p = run([*worker, "rescore", "--all", "--config", str(cfg), "--db", str(db)], cwd=ROOT)
    rows.append(("`rescore --all`", wall, cpu, rss, p.stdout.strip().splitlines()[-1]))
    wall, rss, cpu, p = run([*worker, "rescore", "--config", str(cfg), "--db", str(db)], cwd=ROOT)
    rows.append(("`rescore` (after the last issue)", wall, cpu, rss, p.stdout.strip().splitlines()[-1]))

    out = work / "backup.db"
    out.unlink(missing_ok=True)
    wall, rss, cpu, p = run([*worker, "backup", "--out", str(out), "--config", str(cfg), "--db", str(labelled)], cwd=ROOT)
    rows.append(("`backup --out FILE`", wall, cpu, rss, (p.stdout.strip().splitlines() or [""])[-1]))

    for name, args in (("`entries --all --limit 0`", ["entries", "--all", "--limit", "0"]), ("`export --week 2020-W19`", ["export", "--week", "2020-W19"])):
        wall, rss, cpu, p = run([*worker, *args, "--config", str(cfg), "--db", str(labelled)], cwd=ROOT)
        rows.append((name, wall, cpu, rss, f"{len(p.stdout.splitlines())} lines"))

    wall, rss, cpu, p = run([*worker, "evaluate", "--corpus", str(FIX / "corpus"), "--flood", str(FLOOD / "arxiv-cs-cv-2025-10.jsonl"),
                             "--per-window", "25", "--config", str(cfg)], cwd=ROOT)
    rows.append(("`evaluate --corpus … --flood …` (no database)", wall, cpu, rss, f"{len(p.stdout.splitlines())} lines"))

    # The daemon's start with the trained models (every entry rescored: no issue recorded in the polled database).
    started = work / "config-trained"
    shutil.rmtree(started, ignore_errors=True)
    shutil.copytree(cfg, started)
    for f in models.iterdir():
        shutil.copyfile(f, started / f.name)
    db = copy(fresh, work / "scratch.db")
    wall, rss, line = daemon_start(worker, started, db, a.port)
    rows.append(("daemon start: its rescoring pass logged (event 4803)", wall, float("nan"), rss, line or "no rescoring line"))

    size = fresh.stat().st_size
    print(f"\n### bigyear: {stored:,} polled entries ({size / 1e6:.0f} MB, {size // max(1, stored):,} bytes per entry), "
          f"{os.cpu_count()} cores, one run each\n")
    print("| command | wall s | CPU s | peak RSS MB | its last line |")
    print("|---|---|---|---|---|")
    for name, wall, cpu, rss, last in rows:
        print(f"| {name} | {wall:.2f} | {cpu:.2f} | {rss:.0f} | {last[:160]} |")
    print(f"\nWork: {work}")


if __name__ == "__main__":
    main()
