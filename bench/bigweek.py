#!/usr/bin/env python3
"""A big installation on loopback: ~400 sources (6 arXiv category feeds, 150 GitHub repos, 150 WeChat accounts on one
wewe-rss mirror host, 100 blogs) whose feeds hold a flooded editorial week (~5,000 candidates), for walking the product
at the size a busy newsletter reaches (`validate`, the daemon's start and rounds, `sources`, `/metrics`, the review page,
`export`/`entries --week`).

Usage (from the repository root):
  python3 bench/bigweek.py --port 8471 --config-out BIG/config [--wechat-delay 10s] [--wechat-schedule 1h]
writes BIG/config (a copy of config/ whose sources.json lists the ~400 sources, all on 127.0.0.1/127.0.0.2:PORT with
allowPrivateNetwork), then serves until killed. Feeds are generated, seeded, from the real texts of the repository
(the arXiv flood of /work/shared/corpus/flood or tests' Fixtures/corpus-items, mixed two by two past the real ones),
dated from Monday 00:00 (Asia/Shanghai) of the current week to an hour ago, so they land in the current week; they
answer If-None-Match with 304. The WeChat mirror is the second loopback address (127.0.0.2), so the sources'
`politenessDelay` is one gate for all 150 accounts. Every request is logged on stdout: time, host, path, status.
Nothing listens beyond 127.0.0.x.
"""
import argparse, hashlib, http.server, json, pathlib, random, shutil, socketserver, threading, time
from datetime import datetime, timedelta, timezone

ROOT = pathlib.Path(__file__).resolve().parent.parent
FIX = ROOT / "tests/EmbeddedAiReport.Tests/Fixtures"
FLOOD = pathlib.Path("/work/shared/corpus/flood")
SHANGHAI = timezone(timedelta(hours=8))
CATEGORIES = ["cs.CV", "cs.LG", "cs.AR", "cs.CL", "cs.AI", "eess.IV"]
ACCOUNTS = ["机器之心", "量子位", "新智元", "智东西", "雷锋网", "AI科技评论", "极市平台", "我爱计算机视觉", "CVer", "夕小瑶的卖萌屋",
            "PaperWeekly", "AI前线", "InfoQ", "半导体行业观察", "芯东西", "电子工程世界", "OpenCV中文网", "深度学习与计算机视觉"]


def esc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def texts():
    """(papers, posts): real (title, summary) pairs: arXiv abstracts, and the past issues' news/blog items."""
    papers, posts = [], []
    for f in sorted(FLOOD.glob("*.jsonl")):
        for line in f.read_text(encoding="utf-8").splitlines():
            if line.strip():
                o = json.loads(line)
                papers.append((o["title"], o["summary"]))
    for f in sorted((FIX / "corpus-items").glob("*.jsonl")):
        for line in f.read_text(encoding="utf-8").splitlines():
            if line.strip():
                o = json.loads(line)
                pair = (o["title"].split(" | ")[0], o.get("summary") or o["title"])
                (papers if o["section"] == "papers" else posts).append(pair)
    return papers, posts


class Pool:
    """Hands out the real pairs once each, then mixes of two (half a title + half another's, their summaries' halves)."""

    def __init__(self, pairs, rng):
        self.pairs, self.rng, self.i = pairs, rng, 0

    def next(self):
        self.i += 1
        if self.i <= len(self.pairs):
            return self.pairs[self.i - 1]
        (ta, sa), (tb, sb) = self.rng.sample(self.pairs, 2)
        wa, wb = ta.split(), tb.split()
        if len(wa) > 2 and len(wb) > 2:
            title = " ".join(wa[: len(wa) // 2] + wb[len(wb) // 2:])
        else:
            title = ta[: len(ta) // 2] + tb[len(tb) // 2:]
        return title, sa[: len(sa) // 2] + " " + sb[len(sb) // 2:]


def week_dates(rng, n, start, end):
    span = (end - start).total_seconds()
    return sorted((start + timedelta(seconds=rng.random() * span) for _ in range(n)), reverse=True)


def build(port, wechat_delay, wechat_schedule):
    rng = random.Random(20261205)
    papers, posts = texts()
    ppool, qpool = Pool(papers, rng), Pool(posts, rng)
    now = datetime.now(SHANGHAI)
    start = (now - timedelta(days=now.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)
    end = now - timedelta(hours=1)
    feeds, sources = {}, []
    base = f"http://127.0.0.1:{port}"
    mirror = f"http://127.0.0.2:{port}"

    # arXiv: 6 category feeds of 250 announcements each, one in five cross-listed from the previous category.
    seen = []
    for c, cat in enumerate(CATEGORIES):
        items = []
        for i, d in enumerate(week_dates(rng, 250, start, end)):
            if seen and rng.random() < 0.2:
                aid, (title, summary) = rng.choice(seen)
                kind = "cross"
            else:
                aid = f"2512.{10000 + c * 1000 + i:05d}"
                title, summary = ppool.next()
                seen.append((aid, (title, summary)))
                kind = "new"
            items.append(f"""<item><title>{esc(title)}</title><link>https://arxiv.org/abs/{aid}</link>
<description>arXiv:{aid}v1 Announce Type: {kind} 
Abstract: {esc(summary)}</description><guid isPermaLink="false">oai:arXiv.org:{aid}v1</guid><category>{cat}</category>
<pubDate>{d.strftime('%a, %d %b %Y 00:00:00 -0500')}</pubDate><arxiv:announce_type>{kind}</arxiv:announce_type></item>""")
        feeds[("127.0.0.1", f"/arxiv/rss/{cat}")] = ("application/rss+xml", f"""<?xml version='1.0' encoding='UTF-8'?>
<rss xmlns:arxiv="http://arxiv.org/schemas/atom" version="2.0"><channel><title>{cat} updates on arXiv.org</title>
<link>http://rss.arxiv.org/rss/{cat}</link><description>{cat}</description>{''.join(items)}</channel></rss>""")
        sources.append({"id": f"arxiv-{cat.lower().replace('.', '-')}", "kind": "arxiv-rss", "category": cat,
                        "url": f"{base}/arxiv/rss/{cat}", "schedule": "0 30 13 ? * MON-FRI", "allowPrivateNetwork": True})

    # GitHub: 150 repos, 3 releases each this week.
    engines = ["alibaba/MNN", "Tencent/ncnn", "Tencent/TNN", "PaddlePaddle/Paddle-Lite", "apache/tvm", "NVIDIA/TensorRT",
               "microsoft/onnxruntime", "openvinotoolkit/openvino", "ggml-org/llama.cpp", "tensorflow/tensorflow"]
    repos = engines + [f"edge{n % 37}/infer-kit-{n}" for n in range(140)]
    for r, repo in enumerate(repos):
        owner, name = repo.split("/")
        entries = []
        for k, d in enumerate(week_dates(rng, 3, start, end)):
            tag = f"v{r % 5}.{k + 3}.{r}"
            title, summary = qpool.next()
            entries.append(f"""<entry><id>tag:github.com,2008:Repository/{1000 + r}/{tag}</id><updated>{d.isoformat()}</updated>
<link rel="alternate" type="text/html" href="https://github.com/{repo}/releases/tag/{tag}"/><title>{name} {tag}</title>
<content type="html">&lt;h2&gt;What's new&lt;/h2&gt;&lt;p&gt;{esc(esc(summary))}&lt;/p&gt;</content><author><name>{owner}</name></author></entry>""")
        feeds[("127.0.0.1", f"/gh/{repo}/releases.atom")] = ("application/atom+xml", f"""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><id>tag:github.com,2008:https://github.com/{repo}/releases</id>
<title>Release notes from {name}</title><updated>{end.isoformat()}</updated>{''.join(entries)}</feed>""")
        sources.append({"id": f"gh-{owner.lower()}-{name.lower()}".replace(".", "-"), "kind": "github-releases", "repo": repo,
                        "baseUrl": f"{base}/gh/", "schedule": "6h", "allowPrivateNetwork": True})

    # WeChat: 150 accounts on one wewe-rss mirror, 10 articles each; one source per account (as import-opml makes them).
    for a in range(150):
        feed = f"MP_WXS_{3000000000 + a * 7919}"
        account = ACCOUNTS[a] if a < len(ACCOUNTS) else f"{ACCOUNTS[a % len(ACCOUNTS)]}{a}"
        items = []
        for d in week_dates(rng, 10, start, end):
            title, _ = qpool.next()
            code = hashlib.sha1(f"{feed}{title}{d}".encode()).hexdigest()[:22]
            items.append(f"""<item><title><![CDATA[{title}]]></title><link>https://mp.weixin.qq.com/s/{code}</link>
<guid>{code}</guid><pubDate>{d.astimezone(timezone.utc).strftime('%a, %d %b %Y %H:%M:%S GMT')}</pubDate></item>""")
        feeds[("127.0.0.2", f"/feeds/{feed}.rss")] = ("application/rss+xml", f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>{account}</title><link>{mirror}</link><description>{account}</description>
<generator>WeWe-RSS</generator>{''.join(items)}</channel></rss>""")
        src = {"id": f"mp_wxs_{feed[7:]}", "kind": "wechat-mirror", "mirror": mirror, "accounts": [{"feed": feed, "name": account}],
               "schedule": wechat_schedule, "allowPrivateNetwork": True}
        if wechat_delay:
            src["politenessDelay"] = wechat_delay
        sources.append(src)

    # Blogs: 100 RSS feeds, 15 posts each, with summaries.
    for b in range(100):
        items = []
        for k, d in enumerate(week_dates(rng, 15, start, end)):
            title, summary = qpool.next()
            items.append(f"""<item><title>{esc(title)}</title><link>https://blog{b}.example.com/posts/{k}-{d:%m%d%H%M}</link>
<description>{esc(summary)}</description><pubDate>{d.strftime('%a, %d %b %Y %H:%M:%S %z')}</pubDate></item>""")
        feeds[("127.0.0.1", f"/blog/{b}.xml")] = ("application/rss+xml", f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Edge AI blog {b}</title><link>https://blog{b}.example.com/</link>
<description>blog</description>{''.join(items)}</channel></rss>""")
        sources.append({"id": f"blog-{b}", "kind": "feed", "url": f"{base}/blog/{b}.xml", "schedule": "1h", "allowPrivateNetwork": True})
    return feeds, sources


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=8471)
    ap.add_argument("--config-out", required=True)
    ap.add_argument("--wechat-delay", default="10s", help="the WeChat sources' politenessDelay ('' for none)")
    ap.add_argument("--wechat-schedule", default="1h")
    a = ap.parse_args()
    feeds, sources = build(a.port, a.wechat_delay, a.wechat_schedule)
    out = pathlib.Path(a.config_out)
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(ROOT / "config", out)
    (out / "sources.json").write_text(json.dumps({"sources": sources}, ensure_ascii=False, indent=1), encoding="utf-8")
    bodies = {k: (ct, body.encode("utf-8"), '"' + hashlib.sha1(body.encode()).hexdigest()[:16] + '"') for k, (ct, body) in feeds.items()}
    lock = threading.Lock()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hit = bodies.get((self.connection.getsockname()[0], self.path))
            if hit is None:
                status, body = 404, b"not found"
                self.send_response(404)
            elif self.headers.get("If-None-Match") == hit[2]:
                status, body = 304, b""
                self.send_response(304)
                self.send_header("ETag", hit[2])
            else:
                status, body = 200, hit[1]
                self.send_response(200)
                self.send_header("Content-Type", hit[0])
                self.send_header("ETag", hit[2])
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            with lock:
                print(f"{time.time():.3f} {self.connection.getsockname()[0]} {self.path} {status}", flush=True)

        def log_message(self, *args):
            pass

    class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
        daemon_threads = True

    servers = [Server((host, a.port), Handler) for host in ("127.0.0.1", "127.0.0.2")]
    for s in servers[1:]:
        threading.Thread(target=s.serve_forever, daemon=True).start()
    print(f"# {len(sources)} sources, {len(feeds)} feeds on port {a.port}; config in {out}", flush=True)
    servers[0].serve_forever()


if __name__ == "__main__":
    main()
