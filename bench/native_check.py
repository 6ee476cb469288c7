#!/usr/bin/env python3
"""The native binary does what the JIT build does: the same commands, the same outputs.

Runs one session of commands twice — with the native (ahead-of-time compiled) binary and with the JIT build — each on its
own copy of the repository's config/ and a fresh database, against the same feeds (the test fixtures of several source
kinds, served on 127.0.0.1), and compares every output after masking clock times and durations:

  validate (and with bad settings), poll --all (twice), sources, entries --all [--explain], export (markdown, json, and a
  template using the json filter), mark, edit, move,
  summarize (a fake chat-completions endpoint), import-issue, publish, issue, train (the written router.json and ranker.json
  must be byte-identical), backup, and the daemon's /healthz, /sources, /entries, /drafts/{week}.md, /review/{week}, /issues/{date}.md (and their 400s for a bad week or date) and
  /metrics (status only: it carries timings).
Where the kernel has transparent huge pages, it also checks that the native daemon's start-up data is marked for them
(src/EmbeddedAiReport.Worker/Native/hugepages.c).

With --postgres, the same two sessions run again on PostgreSQL (a fresh database each) and are compared too.

Exit 0 when everything matches, 1 with a unified diff of the first differences otherwise.

  python3 bench/native_check.py NATIVE_BINARY JIT_DLL [--postgres "Host=127.0.0.1;Port=5432;Username=postgres;Database=postgres"]
  (bench/compare.sh and .ci/run publish both and call it.)
"""
import argparse, difflib, http.server, json, os, pathlib, re, shutil, socket, subprocess, sys, tempfile, threading, time
import urllib.request, urllib.error

ROOT = pathlib.Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "EmbeddedAiReport.Tests" / "Fixtures"
WINDOW = ["--from", "2000-01-01", "--to", "2030-12-31"]

# One source per kind the fixtures cover; the broken feeds are there on purpose (their errors are part of the output).
SOURCES = [
    ("wechat-wewe", "wechat-mirror", "wechat-mirror-feed/wewe-rss_MP_WXS_3073282833.rss", {"flavor": "wewe-rss", "format": "rss"}),
    ("wechat2rss", "feed", "wechat-mirror-feed/wechat2rss_jiqizhixin.xml", {}),
    ("arxiv-lg", "arxiv-rss", "arxiv-rss/handwritten_cs.LG_2024-02-26.xml", {"category": "cs.LG"}),
    ("gh-feed-rs", "feed", "github-releases-atom/feedrs_feed-rs_releases_2020.atom", {}),
    ("gulp", "feed", "github-releases-atom/rssparser_gulp_releases_2015.atom", {}),
    ("latin1", "feed", "generic-feed/miniflux_no_xml_decl_iso-8859-1.xml", {}),
    ("gb2312", "feed", "generic-feed/rssparser_news_qq_gb2312.xml", {}),
    ("unclosed", "feed", "generic-feed/feedparser_illformed_unclosed_root.xml", {}),
    ("truncated", "feed", "generic-feed/feedrs_reuters_truncated_server_error.xml", {}),
    ("missing", "feed", "no/such/file.xml", {}),
]

MASKS = [
    (re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:?\d{2}|Z)?"), "<time>"),
    (re.compile(r"\b\d+(\.\d+)?\s?(ms|s|µs)\b"), "<duration>"),
    (re.compile(r"\b\d+(\.\d+)?(ms|s)\b"), "<duration>"),
    (re.compile(r"/tmp/[^\s\"']+"), "<path>"),
]


def mask(text):
    for pattern, replacement in MASKS:
        text = pattern.sub(replacement, text)
    return text


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


SUMMARY = "这篇论文把卷积层分配到手机芯片的处理器、图形处理器和神经网络处理器上，并为每台设备拟合能耗模型来节省电量。"


class Handler(http.server.SimpleHTTPRequestHandler):
    """The fixtures as static files, and a fake of the chat-completions API that answers every prompt with SUMMARY."""

    def log_message(self, *args):
        pass

    def do_POST(self):
        request = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
        body = json.dumps({"id": "chatcmpl-fake", "object": "chat.completion", "created": 1700000000,
                           "model": request.get("model", ""), "choices": [{"index": 0, "finish_reason": "stop",
                           "message": {"role": "assistant", "content": SUMMARY}}],
                           "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def serve(directory):
    handler = lambda *a, **k: Handler(*a, directory=str(directory), **k)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def huge_pages_marked(pid):
    """True when a mapping of process PID is marked for transparent huge pages (smaps VmFlags "hg"): the native binary's
    start-up data, by the constructor of src/EmbeddedAiReport.Worker/Native/hugepages.c (nothing else here asks for it)."""
    flags = [line.split()[1:] for line in pathlib.Path(f"/proc/{pid}/smaps").read_text().splitlines() if line.startswith("VmFlags:")]
    return any("hg" in f for f in flags)


def session(command, work, base, storage=None, huge=None):
    """Runs the command list in WORK with COMMAND (a list); returns [(name, masked output)] and the trained files.

    STORAGE: extra environment (the PostgreSQL provider and its connection string), or None for SQLite."""
    cfg = work / "config"
    shutil.copytree(ROOT / "config", cfg)
    sources = [dict({"id": sid, "kind": kind, "url": f"{base}/{path}", "allowPrivateNetwork": True, "schedule": "1h"}, **extra)
               for sid, kind, path, extra in SOURCES]
    (cfg / "sources.json").write_text(json.dumps({"sources": sources}, ensure_ascii=False, indent=1), encoding="utf-8")
    db = work / "report.db"
    # One source at a time: entry ids then follow the sources' order, the same in both runs.
    env = dict(os.environ, EAIR_Summaries__Endpoint="", EAIR_Fetching__MaxParallelSources="1", DOTNET_CLI_TELEMETRY_OPTOUT="1", **(storage or {}))
    out = []

    def run(name, *args, summaries=False, settings=None):
        extra = {"EAIR_Summaries__Endpoint": f"{base}/v1/", "EAIR_Summaries__Model": "fake-model"} if summaries else {}
        extra.update(settings or {})
        r = subprocess.run(command + list(args) + ["--config", str(cfg), "--db", str(db)], cwd=work, env=dict(env, **extra),
                           capture_output=True, text=True, timeout=600)
        out.append((name, f"exit {r.returncode}\n--- stdout\n{mask(r.stdout)}--- stderr\n{mask(r.stderr)}"))
        return r

    run("validate", "validate")
    # The binder's errors are rewritten from its message text: the native build must say the same.
    run("validate bad settings", "validate", settings={"EAIR_Fetching__MaxParalelSources": "2", "EAIR_Dedup__Bands": "forty",
                                                      "EAIR_Draft__KeepEmptySections": "yes", "EAIR_Report__Colour": "blue"})
    run("poll 1", "poll", "--all")
    run("poll 2", "poll", "--all")
    run("sources", "sources")
    listing = run("entries", "entries", "--all")
    run("entries --explain", "entries", "--all", "--explain")
    run("export markdown", "export", *WINDOW)
    run("export json", "export", *WINDOW, "--format", "json")
    # A filter that serializes must work in the native binary too (Fluid 2.41's json filter used reflection there, which
    # the native binary refuses: a template using it failed to render).
    template = cfg / "templates" / "draft.md.liquid"
    shipped = template.read_text(encoding="utf-8")
    template.write_text(shipped + "\n{{ count | json }} {{ date | json }} {{ sections.first.name | json }} {{ sections.first.items.first.title | json }}\n",
                        encoding="utf-8")
    run("validate json filter", "validate")
    run("export json filter", "export", *WINDOW)
    template.write_text(shipped, encoding="utf-8")
    ids = re.findall(r"^\s*(\d+)\s", listing.stdout, re.M)
    if len(ids) >= 3:
        run("mark", "mark", ids[0], "--status", "shortlisted")
        run("reject", "mark", ids[1], "--status", "rejected")
        run("edit", "edit", ids[2], "--title", "编辑后的标题 edited")
        run("move", "move", ids[2], "--section", "news", *WINDOW)
    else:
        out.append(("ids", f"too few entries listed: {listing.stdout[:400]}"))
    run("export after edits", "export", *WINDOW)
    run("summarize", "summarize", *WINDOW, summaries=True)
    run("export with summaries", "export", *WINDOW)
    run("import-issue", "import-issue", str(FIXTURES / "corpus" / "2020-05-15.md"))
    # An issue date at most tomorrow (a later one is refused): a fixed past day inside the window, the same in both runs.
    run("publish", "publish", *WINDOW, "--date", "2024-03-01")
    run("export after publish", "export", *WINDOW)
    run("issue list", "issue")
    run("issue published", "issue", "2024-03-01")
    run("issue imported", "issue", "2020-05-15")
    run("train", "train", "--out", str(work / "trained"))
    run("backup", "backup", "--out", str(work / "backup.db"))
    trained = {p.name: p.read_bytes() for p in sorted((work / "trained").glob("*.json"))}

    port = free_port()
    daemon = subprocess.Popen(command + ["run", "--config", str(cfg), "--db", str(db)], cwd=work,
                              env=dict(env, EAIR_Report__Urls=f"http://127.0.0.1:{port}"),
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        def get(path):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30) as r:
                    return r.status, r.read().decode("utf-8")
            except urllib.error.HTTPError as e:
                return e.code, e.read().decode("utf-8")

        deadline = time.time() + 60
        while True:
            try:
                get("/healthz")
                break
            except OSError:
                if time.time() > deadline:
                    out.append(("daemon", "did not answer within 60 s"))
                    return out, trained
                time.sleep(0.2)
        if huge is not None:
            huge.append(huge_pages_marked(daemon.pid))
        for path in ["/healthz", "/sources", "/entries?week=2024-W09", "/drafts/2024-W09.md", "/review/2024-W09",
                     "/issues/2024-03-01.md", "/drafts/2024-W99.md", "/entries?week=nope", "/review/nope", "/issues/nope.md"]:   # the last four: 400 problems
            status, body = get(path)
            body = re.sub(r'"traceId":"[^"]*"', '"traceId":"<id>"', body)
            body = re.sub(r'(name="__RequestVerificationToken"[^>]*value=")[^"]*', r"\1<token>", body)
            body = re.sub(r'(data-token=")[^"]*', r"\1<token>", body)
            out.append((f"GET {path}", f"{status}\n{mask(body)}"))
        status, body = get("/metrics")
        families = sorted(set(re.findall(r"^# TYPE (\S+)", body, re.M)))
        out.append(("GET /metrics", f"{status} {families}"))
    finally:
        daemon.terminate()
        try:
            daemon.wait(timeout=30)
        except subprocess.TimeoutExpired:
            daemon.kill()
    return out, trained


def fresh_postgres_database(connection, name):
    """Drops and creates database NAME on the server of CONNECTION (an Npgsql connection string); returns the storage environment."""
    parts = dict(p.split("=", 1) for p in connection.split(";") if "=" in p)
    bindir = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True).stdout.strip() if shutil.which("pg_config") else ""
    if not os.path.exists(os.path.join(bindir, "createdb")):
        bindir = sorted(pathlib.Path("/usr/lib/postgresql").glob("*/bin"))[-1]
    server = ["-h", parts.get("Host", "127.0.0.1"), "-p", parts.get("Port", "5432"), "-U", parts.get("Username", "postgres")]
    subprocess.run([os.path.join(bindir, "dropdb"), "--if-exists", *server, name], check=True)
    subprocess.run([os.path.join(bindir, "createdb"), *server, name], check=True)
    parts["Database"] = name
    return {"EAIR_Storage__Provider": "postgres", "EAIR_Storage__ConnectionString": ";".join(f"{k}={v}" for k, v in parts.items())}


def compare(label, native, jit):
    """Prints the differing steps of two sessions; returns how many differ."""
    failures = 0
    for (name, n), (_, j) in zip(native, jit):
        if n != j:
            failures += 1
            print(f"DIFFERS ({label}): {name}")
            sys.stdout.writelines(list(difflib.unified_diff(j.splitlines(True), n.splitlines(True), "jit", "native", n=2))[:60])
    if len(native) != len(jit):
        failures += 1
        print(f"DIFFERS ({label}): {len(native)} native steps, {len(jit)} JIT steps")
    return failures


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("native", help="the native binary (dotnet publish -p:PublishAot=true)")
    ap.add_argument("jit", help="the JIT build's EmbeddedAiReport.Worker.dll")
    ap.add_argument("--keep", action="store_true", help="keep the work folders")
    ap.add_argument("--postgres", metavar="CONNECTION", help="also run both sessions on PostgreSQL: an Npgsql connection string of a "
                    "server whose user may create databases (database eair_native_check is dropped and created for each)")
    a = ap.parse_args()
    server = serve(FIXTURES)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    work = pathlib.Path(tempfile.mkdtemp(prefix="eair-native-"))
    try:
        (work / "native").mkdir()
        (work / "jit").mkdir()
        huge = []
        native, native_trained = session([str(pathlib.Path(a.native).resolve())], work / "native", base, huge=huge)
        jit, jit_trained = session(["dotnet", str(pathlib.Path(a.jit).resolve())], work / "jit", base)
        runs = [("sqlite", native, jit)]
        if a.postgres:
            (work / "pg-native").mkdir()
            (work / "pg-jit").mkdir()
            pg_native, _ = session([str(pathlib.Path(a.native).resolve())], work / "pg-native", base,
                                   fresh_postgres_database(a.postgres, "eair_native_check"))
            pg_jit, _ = session(["dotnet", str(pathlib.Path(a.jit).resolve())], work / "pg-jit", base,
                                fresh_postgres_database(a.postgres, "eair_native_check"))
            runs.append(("postgres", pg_native, pg_jit))
    finally:
        server.shutdown()
        if not a.keep:
            shutil.rmtree(work, ignore_errors=True)
    failures = sum(compare(label, n, j) for label, n, j in runs)
    if native_trained != jit_trained or not jit_trained:
        failures += 1
        print(f"DIFFERS: trained files native {sorted(native_trained)} vs JIT {sorted(jit_trained)} (or none written)")
    if pathlib.Path("/sys/kernel/mm/transparent_hugepage/enabled").exists() and huge != [True]:
        failures += 1
        print("FAILS: the native daemon's start-up data is not marked for transparent huge pages (Native/hugepages.c not linked?)")
    summarized = next((o for name, o in native if name == "summarize"), "")
    if not re.search(r"summaries: \d+ calls, [1-9]\d* accepted", summarized):
        failures += 1
        print(f"FAILS: the native binary stored no summary of the fake model:\n{summarized[-800:]}")
    listed = len(re.findall(r"^\s*\d+\s", next((o for name, o in jit if name == "entries"), ""), re.M))
    print(f"native check: {sum(len(j) for _, _, j in runs)} steps on {' and '.join(label for label, _, _ in runs)} and "
          f"{len(jit_trained)} trained files compared, {failures} differ ({listed} entries listed)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
