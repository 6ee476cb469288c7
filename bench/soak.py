#!/usr/bin/env python3
"""Loopback fake sources for a soak run of the daemon: ~40 feeds built from the real fixtures that change over time.

Usage (from the repository root):
  python3 bench/soak.py --port 8391 --sources-out SOAK/config/sources.json [--period 20] [--pages DIR [--outage 600]]
writes a sources.json whose sources all point at http://127.0.0.1:PORT (schedules every 15-30 s, allowPrivateNetwork),
then serves until killed. Time runs in phases of --period seconds from the start:
  - every feed gains a new entry every few phases (titles and 摘要 taken from the corpus items, dated now; the newest
    20 entries are served), and answers If-None-Match / If-Modified-Since with 304 while it has not changed;
  - some fail in turns: 500, 429 with Retry-After (5 s, and now and then 120 s), a reply slower than the timeout, a body
    cut short, malformed XML; one feed is GBK, one edits its entries' titles, one redirects (302), and a GitHub repo
    answers 301 to its new name (ggerganov/llama.cpp -> ggml-org/llama.cpp, as GitHub did).
With --pages DIR (WeChat article pages, e.g. for two daemons on one PostgreSQL database), the WeChat mirror sources read
their article pages (enrich, enrichLimit 3, enrichBackoff 3m), and the server also answers https://mp.weixin.qq.com on
127.0.0.1:--pages-port (443) with a certificate for that name from a CA it makes in DIR with openssl. Run the daemon
where mp.weixin.qq.com is 127.0.0.1 and that CA is trusted, without touching the machine's files: a mount namespace of
its own, e.g. `unshare -m sh -c 'mount --bind HOSTS /etc/hosts && SSL_CERT_FILE=DIR/ca.pem exec BIN run --config CFG'`
with HOSTS a copy of /etc/hosts plus "127.0.0.1 mp.weixin.qq.com" (the sources allow private networks).
Each article page answers after its kind, fixed by its address's hash: fine (most), 503 for --outage seconds
(default 600) from its first request and fine after, 503 for good, WeChat's anti-bot page (环境异常) at its first request
and fine after, or slow (every other request slower than the timeout, the others after 2 s). New WeChat items get a
long link of their own (mid) where the fixture's was long.
Every request is logged on stdout: time, path, status (a page's line also its kind and how many times it was asked).
Nothing listens beyond 127.0.0.1.
"""
import argparse, email.utils, hashlib, http.server, json, pathlib, re, socketserver, ssl, subprocess, threading, time
from datetime import datetime, timezone

FIX = pathlib.Path(__file__).resolve().parent.parent / "tests/EmbeddedAiReport.Tests/Fixtures"
T0 = time.time()
PERIOD = 20.0
KEEP = 20


def phase():
    return int((time.time() - T0) // PERIOD)


def corpus():
    items = []
    for f in sorted((FIX / "corpus-items").glob("*.jsonl")):
        for line in f.read_text(encoding="utf-8").splitlines():
            if line.strip():
                o = json.loads(line)
                items.append((o["title"].split(" | ")[0], o.get("summary") or o["title"]))
    return items


CORPUS = corpus()


def esc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class Feed:
    """One address. `blocks` splits the fixture into entries; new ones are made from the first entry."""

    def __init__(self, fid, path, fixture, ctype, ident, block=r"<item[\s>].*?</item>|<entry[\s>].*?</entry>", every=3,
                 faults=None, encoding="utf-8", edits=False, static=False, redirect=None, count_total=False):
        self.fid, self.path, self.ctype, self.ident, self.every = fid, path, ctype, ident, every
        self.faults, self.encoding, self.edits, self.static, self.redirect = faults or {}, encoding, edits, static, redirect
        self.count_total = count_total
        self.text = (FIX / fixture).read_bytes().decode(encoding)
        m = list(re.finditer(block, self.text, re.S))
        if not m:  # a feed with no entries at all (a server's broken page) stays as it is
            self.static, self.head, self.tail = True, self.text, ""
        else:
            self.head, self.tail = self.text[: m[0].start()], self.text[m[-1].end():]
        self.blocks = [x.group(0) for x in m]
        self.cache = {}  # version -> (body, etag, last-modified)

    def version(self, p):
        if self.static or not self.blocks:
            return (0, 0)
        return ((p + self.fid) // self.every, p // 4 if self.edits else 0)

    def new_block(self, k):
        b = self.blocks[0]
        token = next(g for g in re.search(self.ident, b, re.S).groups() if g)
        b = b.replace(token, self.new_token(token, k))
        if self.ident == WX:  # a long link is the article by (__biz, mid, idx): a new item needs a mid of its own
            b = re.sub(r"(mid=)(\d+)", lambda m: m.group(1) + str(int(m.group(2)) + self.fid * 1000 + k), b)
        title, summary = CORPUS[(self.fid * 37 + k) % len(CORPUS)]
        b = re.sub(r"(<title>)(.*?)(</title>)", lambda m: m.group(1) + esc(title) + m.group(3), b, count=1, flags=re.S)
        b = re.sub(r"(Title:</span>)(.*?)(</div>)", lambda m: m.group(1) + esc(title) + m.group(3), b, count=1, flags=re.S)
        for tag in (r"description>", r"summary>", r"content[^>]*>", r"p class='mathjax'>"):
            m = re.search(rf"(<{tag})(.*?)(</{tag.split('[')[0].split(' ')[0].rstrip('>')}>)", b, re.S)
            if m:
                keep = m.group(2)[: m.group(2).find("Abstract: ") + 10] if "Abstract: " in m.group(2) else ""
                b = b[: m.start()] + m.group(1) + keep + esc(summary) + m.group(3) + b[m.end():]
                break
        now = self.born(k)
        b = re.sub(r"<pubDate>.*?</pubDate>", f"<pubDate>{email.utils.format_datetime(now)}</pubDate>", b)
        for tag in ("updated", "published"):
            b = re.sub(rf"<{tag}>.*?</{tag}>", f"<{tag}>{now.strftime('%Y-%m-%dT%H:%M:%SZ')}</{tag}>", b)
        return b

    def born(self, k):
        """When entry k first appeared: its date stays the same at every later render."""
        return datetime.fromtimestamp(T0 + max(0, k * self.every - self.fid) * PERIOD, timezone.utc)

    def new_token(self, token, k):
        if re.fullmatch(r"[0-9a-f]{32}", token):  # a long WeChat link's sn
            return hashlib.md5(f"{self.fid}-{k}".encode()).hexdigest()
        if re.fullmatch(r"\d{4}\.\d{5}", token):
            return f"{datetime.now(timezone.utc):%y%m}.{self.fid:02d}{k:03d}"
        if "/" in token or "." in token and not token[0].isdigit():  # a URL: one more path segment, before its query
            path, sep, rest = token.partition("?") if "?" in token else token.partition("#")
            return path.rstrip("/") + f"/soak-{self.fid}-{k}" + sep + rest
        return f"{token}-soak{self.fid}x{k}"

    def edited(self, b, rev):
        if not rev:
            return b
        return re.sub(r"(<title>(?:<!\[CDATA\[)?)(.*?)((?:\]\]>)?</title>)",
                      lambda m: m.group(1) + m.group(2) + f"（修订 {rev}）" + m.group(3), b, count=1, flags=re.S)

    def render(self, p):
        v = self.version(p)
        if v not in self.cache:
            n, rev = v
            blocks = [self.new_block(k) for k in range(n, 0, -1)] + [self.edited(b, rev) for b in self.blocks]
            blocks = blocks[:KEEP]
            head = self.head
            if self.count_total:
                head = re.sub(r"<opensearch:totalResults>\d+", f"<opensearch:totalResults>{len(blocks)}", head)
                head = re.sub(r"<opensearch:itemsPerPage>\d+", f"<opensearch:itemsPerPage>{len(blocks)}", head)
            body = (head + "".join(blocks) + self.tail).encode(self.encoding, errors="xmlcharrefreplace")
            self.cache = {v: (body, '"' + hashlib.md5(body).hexdigest() + '"', email.utils.formatdate(time.time(), usegmt=True))}
        return self.cache[v]


class JsonFeed(Feed):
    """JSON Feed (wewe-rss) or GitHub's REST releases: a list of objects, new ones cloned from the first."""

    def __init__(self, fid, path, fixture, ctype, rest=False, every=3, faults=None):
        self.fid, self.path, self.ctype, self.every, self.faults = fid, path, ctype, every, faults or {}
        self.edits, self.static, self.redirect, self.rest = False, False, None, rest
        doc = json.loads((FIX / fixture).read_text(encoding="utf-8"))
        self.doc = doc
        self.items = self.blocks = [doc] if rest else doc["items"]
        self.cache = {}

    def render(self, p):
        v = self.version(p)
        if v not in self.cache:
            n = v[0]
            new = []
            for k in range(n, 0, -1):
                now = self.born(k).strftime("%Y-%m-%dT%H:%M:%SZ")
                o = dict(self.items[0])
                title, summary = CORPUS[(self.fid * 37 + k) % len(CORPUS)]
                if self.rest:
                    tag = f"v9.{self.fid}.{k}"
                    o.update(id=900000000 + self.fid * 1000 + k, tag_name=tag, name=f"{tag} {title}", body=summary,
                             html_url=o["html_url"].rsplit("/", 1)[0] + "/" + tag, published_at=now, created_at=now)
                else:
                    code = f"{o['id']}-soak{self.fid}x{k}"
                    o.update(id=code, url=f"https://mp.weixin.qq.com/s/{code}", title=title, date_modified=now)
                new.append(o)
            items = (new + self.items)[:KEEP]
            doc = items if self.rest else dict(self.doc, items=items)
            body = json.dumps(doc, ensure_ascii=False, indent=1).encode()
            self.cache = {v: (body, '"' + hashlib.md5(body).hexdigest() + '"', email.utils.formatdate(time.time(), usegmt=True))}
        return self.cache[v]


RSS, ATOM, HTML = "application/rss+xml; charset=utf-8", "application/atom+xml; charset=utf-8", "text/html; charset=utf-8"
ARXIV_ID = r"(\d{4}\.\d{5})"
GH_TAG = r"releases/tag/([^\"<]+)"
WX = r"mp\.weixin\.qq\.com/s/([\w-]+)|sn=([0-9a-f]{32})"
LINK = r"<link>([^<]+)</link>"
ALTERNATE = r"<link[^>]*href=\"([^\"]+)\""

# fault plans: phase % mod -> fault, per feed
F500 = {"mod": 6, 2: "500", 3: "500"}
F429 = {"mod": 8, 4: "429"}
F429_LONG = {"mod": 16, 9: "429-long"}
FSLOW = {"mod": 7, 5: "slow"}
FTRUNC = {"mod": 5, 1: "truncate"}
FBAD = {"mod": 6, 2: "malformed"}


def feeds():
    out, sources = [], []
    fid = 0

    def add(feed, source):
        out.append(feed)
        sources.append(source)

    for cat, faults in (("cs.LG", None), ("cs.CV", F500), ("cs.AR", None), ("cs.CL", FTRUNC), ("cs.NE", None),
                        ("eess.SP", F429)):
        fid += 1
        add(Feed(fid, f"/rss/{cat}", "arxiv-rss/handwritten_cs.LG_2024-02-23.xml", RSS, ARXIV_ID, faults=faults),
            {"id": f"arxiv-{cat.lower().replace('.', '-')}", "kind": "arxiv-rss", "category": cat, "url": f"/rss/{cat}"})
    fid += 1
    add(Feed(fid, "/list/cs.AR/new", "arxiv-listing-html/handwritten_cs.AR_new_2024-02-23.html", HTML, ARXIV_ID,
             block=r"<dt>.*?</dd>", every=4, faults=FSLOW),
        {"id": "arxiv-list-cs-ar", "kind": "arxiv-listing", "category": "cs.AR", "url": "/list/cs.AR/new"})
    fid += 1
    add(Feed(fid, "/list/cs.CL/recent", "arxiv-listing-html/shelf_cs.CL_recent_2026-07-27.html", HTML, ARXIV_ID,
             block=r"<dt>.*?</dd>", static=True),
        {"id": "arxiv-list-cs-cl", "kind": "arxiv-listing", "category": "cs.CL", "list": "recent", "url": "/list/cs.CL/recent"})
    for q in ("quantization", "pruning"):
        fid += 1
        add(Feed(fid, f"/api/query-{q}", "arxiv-api-atom/arxivpy_q_testing_m10.body.xml", ATOM, ARXIV_ID, every=5,
                 count_total=True),
            {"id": f"arxiv-api-{q}", "kind": "arxiv-api", "query": f"all:{q}", "days": 3, "maxResults": 100,
             "url": f"/api/query-{q}"})
    engines = sorted((FIX / "github-engines").glob("*.atom"))
    groups = [[e] for e in engines if "before-rename" not in e.name and "ggml-org" not in e.name]
    for i, group in enumerate(groups):
        fid += 1
        owner, repo = group[0].name[: -len(".releases.atom")].split("_", 1)
        faults = {0: F500, 3: F429_LONG, 5: FSLOW}.get(i)
        add(Feed(fid, f"/gh/{owner}/{repo}/releases.atom", f"github-engines/{group[0].name}", ATOM, GH_TAG,
                 every=4 + i % 3, faults=faults),
            {"id": f"gh-{repo.lower()}", "kind": "github-releases", "repo": f"{owner}/{repo}", "baseUrl": "/gh/"})
    fid += 1
    add(Feed(fid, "/gh/ggml-org/llama.cpp/releases.atom", "github-engines/ggml-org_llama.cpp.releases.atom", ATOM, GH_TAG,
             every=2),
        {"id": "gh-llama-cpp", "kind": "github-releases", "repo": "ggerganov/llama.cpp", "baseUrl": "/gh/"})
    out.append(Redirect("/gh/ggerganov/llama.cpp/releases.atom", "/gh/ggml-org/llama.cpp/releases.atom", 301))
    fid += 1
    add(JsonFeed(fid, "/ghapi/repos/toolmantim/release-drafter-test-project/releases",
                 "github-releases-api-json/releasedrafter_release_published.json", "application/json; charset=utf-8",
                 rest=True, every=5),
        {"id": "gh-rest", "kind": "github-releases", "repo": "toolmantim/release-drafter-test-project", "api": "rest",
         "apiUrl": "/ghapi/", "baseUrl": "/gh/"})
    fid += 1
    add(Feed(fid, "/wewe/feeds/MP_WXS_3073282833.rss", "wechat-mirror-feed/wewe-rss_MP_WXS_3073282833.rss", RSS, WX,
             edits=True),
        {"id": "wx-wewe-rss", "kind": "wechat-mirror", "mirror": "/wewe", "accounts": ["MP_WXS_3073282833"]})
    fid += 1
    add(Feed(fid, "/wewe/feeds/all.atom", "wechat-mirror-feed/wewe-rss_all.atom", ATOM, WX, faults=FBAD),
        {"id": "wx-wewe-atom", "kind": "wechat-mirror", "mirror": "/wewe", "format": "atom", "accounts": ["all"]})
    fid += 1
    add(JsonFeed(fid, "/wewe/feeds/all.json", "wechat-mirror-feed/wewe-rss_all.json", "application/feed+json; charset=utf-8"),
        {"id": "wx-wewe-json", "kind": "wechat-mirror", "mirror": "/wewe", "format": "json", "accounts": ["all"]})
    fid += 1
    add(Feed(fid, "/rsshub/wechat/wechat2rss/51e92aad2728acdd1fda7314be32b16639353001", "wechat-mirror-feed/rsshub_wechat2rss.xml",
             RSS, WX, faults=F429),
        {"id": "wx-rsshub", "kind": "wechat-mirror", "flavor": "rsshub", "mirror": "/rsshub",
         "accounts": ["51e92aad2728acdd1fda7314be32b16639353001"]})
    fid += 1
    add(Feed(fid, "/w2r/feed/jiqizhixin.xml", "wechat-mirror-feed/wechat2rss_jiqizhixin.xml", RSS, WX, every=5),
        {"id": "wx-wechat2rss", "kind": "wechat-mirror", "flavor": "wechat2rss", "mirror": "/w2r", "accounts": ["jiqizhixin"]})
    for name, fixture, ident, extra in (
            ("mirror-a", "dedup/mirror-a.xml", LINK, {}),
            ("mirror-b", "dedup/mirror-b.xml", LINK, {"faults": FSLOW}),
            ("cercle-psy", "generic-feed/miniflux_no_xml_decl_iso-8859-1.xml", LINK, {"encoding": "iso-8859-1", "static": True}),
            ("qq-news-gbk", "generic-feed/rssparser_news_qq_gb2312.xml", LINK, {"encoding": "gb18030", "every": 4}),
            ("reuters-truncated", "generic-feed/feedrs_reuters_truncated_server_error.xml", LINK, {"static": True}),
            ("arxiv-as-feed", "arxiv-rss/handwritten_cs.LG_2024-02-26.xml", ARXIV_ID, {"faults": F500}),
            ("edited-feed", "dedup/mirror-a.xml", LINK, {"edits": True, "every": 6}),
            ("gulp-atom", "github-releases-atom/rssparser_gulp_releases_2015.atom", ALTERNATE, {"faults": FTRUNC}),
            ("feedrs-atom", "github-releases-atom/feedrs_feed-rs_releases_2020.atom", ALTERNATE, {"faults": F429}),
            ("commits-atom", "github-releases-atom/miniflux_github_commits_2024.atom", ALTERNATE, {"static": True}),
            ("cs-lg-0226", "arxiv-rss/handwritten_cs.LG_2024-02-26.xml", ARXIV_ID, {"every": 5, "faults": FBAD}),
            ("cs-lg-0227", "arxiv-rss/handwritten_cs.LG_2024-02-27_withdrawal.xml", ARXIV_ID, {"every": 7})):
        fid += 1
        ctype = ATOM if fixture.endswith(".atom") else "application/rss+xml; charset=" + extra.get("encoding", "utf-8").replace("gb18030", "gb2312")
        add(Feed(fid, f"/feeds/{name}.xml", fixture, ctype, ident, **extra),
            {"id": f"feed-{name}", "kind": "feed", "url": f"/feeds/{name}.xml"})
    sources[-6]["url"] = "/feeds/moved.xml"
    out.append(Redirect("/feeds/moved.xml", "/feeds/edited-feed.xml", 302))
    return out, sources


class Pages:
    """WeChat article pages on https://mp.weixin.qq.com (see --pages): each address's kind is fixed by its hash."""

    KINDS = ("fine", "fine", "fine", "fine", "outage", "down", "antibot", "slow")

    def __init__(self, folder, outage):
        self.folder, self.outage = pathlib.Path(folder), outage
        self.template = (FIX / "wechat-article-html/handwritten_2020_article_og.html").read_text(encoding="utf-8")
        self.antibot = (FIX / "wechat-article-html/handwritten_environment_error.html").read_bytes()
        self.asked = {}  # address -> (first request time, requests so far)
        self.lock = threading.Lock()
        self.context = self.certificate()

    def certificate(self):
        d = self.folder
        d.mkdir(parents=True, exist_ok=True)
        if not (d / "server.pem").exists():
            run = lambda *a: subprocess.run(["openssl", *a], check=True, capture_output=True)
            run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "30", "-subj", "/CN=soak CA",
                "-keyout", str(d / "ca.key"), "-out", str(d / "ca.pem"))
            run("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=mp.weixin.qq.com",
                "-keyout", str(d / "server.key"), "-out", str(d / "server.csr"))
            (d / "ext.cnf").write_text("subjectAltName=DNS:mp.weixin.qq.com\n")
            run("x509", "-req", "-in", str(d / "server.csr"), "-CA", str(d / "ca.pem"), "-CAkey", str(d / "ca.key"),
                "-CAcreateserial", "-days", "30", "-extfile", str(d / "ext.cnf"), "-out", str(d / "server.pem"))
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(d / "server.pem", d / "server.key")
        return context

    def kind(self, address):
        return self.KINDS[int(hashlib.md5(address.encode()).hexdigest(), 16) % len(self.KINDS)]

    def ask(self, address):
        """The page's kind, the seconds since its first request and how many times it was asked (this one included)."""
        with self.lock:
            first, n = self.asked.get(address, (time.time(), 0))
            self.asked[address] = (first, n + 1)
        return self.kind(address), time.time() - first, n + 1

    def page(self, address, first_seen):
        h = hashlib.md5(address.encode()).hexdigest()
        title, summary = CORPUS[int(h[:8], 16) % len(CORPUS)]
        q = dict(re.findall(r"[?&](__biz|mid|idx)=([^&#]+)", address))
        mid, idx = (q["mid"], q.get("idx", "1")) if "mid" in q else (str(int(h[:8], 16)), "1")
        t = self.template.replace("2650786213", mid).replace("idx=3", f"idx={idx}").replace('idx = "3"', f'idx = "{idx}"')
        t = t.replace("4e1a0a9c2d7f35b1a4a1c0f2f7e81d2b", h).replace("1589257269", str(int(first_seen) - 60))
        t = re.sub(r"Riptide:12倍[^<'\"]*", esc(title), t)
        t = re.sub(r'(<meta name="description" content=")[^"]*', lambda m: m.group(1) + esc(summary).replace('"', "&quot;"), t)
        t = re.sub(r"(<p>)OctoML[^<]*", lambda m: m.group(1) + esc(summary), t)
        return t.encode()


class Redirect:
    def __init__(self, path, to, status):
        self.path, self.redirect, self.status = path, to, status


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    routes = {}
    lock = threading.Lock()
    pages = None

    def log_message(self, fmt, *args):
        pass

    def note(self, status):
        print(f"{time.strftime('%H:%M:%S')} p{phase()} {self.path} {status}", flush=True)

    def reply(self, status, body=b"", headers=()):
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body and self.command != "HEAD":
            self.wfile.write(body)
        self.note(status)

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        path = self.path.split("?", 1)[0]
        feed = self.routes.get(path)
        if feed is None:
            return self.reply(404, b"not found\n", [("Content-Type", "text/plain")])
        if isinstance(feed, Redirect):
            return self.reply(feed.status, b"", [("Location", feed.redirect)])
        p = phase()
        fault = feed.faults.get(p % feed.faults["mod"]) if feed.faults else None
        if fault == "500":
            return self.reply(500, b"<html><body>Internal Server Error</body></html>", [("Content-Type", "text/html")])
        if fault in ("429", "429-long"):
            return self.reply(429, b"slow down\n", [("Retry-After", "5" if fault == "429" else "120"), ("Content-Type", "text/plain")])
        if fault == "slow":
            time.sleep(40)
        with self.lock:
            body, etag, modified = feed.render(p)
        if fault == "malformed":
            body = (FIX / "generic-feed/feedparser_illformed_unclosed_root.xml").read_bytes()
        inm, ims = self.headers.get("If-None-Match"), self.headers.get("If-Modified-Since")
        if fault is None and (inm == etag or (inm is None and ims == modified)):
            return self.reply(304, b"", [("ETag", etag), ("Last-Modified", modified)])
        headers = [("Content-Type", feed.ctype), ("ETag", etag), ("Last-Modified", modified)]
        if getattr(feed, "rest", False):
            headers += [("X-RateLimit-Limit", "5000"), ("X-RateLimit-Remaining", "4999"),
                        ("X-RateLimit-Reset", str(int(time.time()) + 3600))]
        if fault == "truncate":
            self.send_response(200)
            for k, v in headers:
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            self.note("200-truncated")
            return
        self.reply(200, body, headers)


class PageHandler(Handler):
    """https://mp.weixin.qq.com on loopback: article pages."""

    def do_GET(self):
        address = self.path
        kind, since, n = self.pages.ask(address)
        self.kind_note = f"{kind} #{n}"
        if kind == "outage" and since < self.pages.outage or kind == "down":
            return self.reply(503, b"<html><body>Service Unavailable</body></html>", [("Content-Type", "text/html")])
        if kind == "antibot" and n == 1:
            return self.reply(200, self.pages.antibot, [("Content-Type", HTML)])
        if kind == "slow":
            time.sleep(40 if n % 2 else 2)
        self.reply(200, self.pages.page(address, time.time() - since), [("Content-Type", HTML)])

    def note(self, status):
        print(f"{time.strftime('%H:%M:%S')} p{phase()} page {self.path} {status} {getattr(self, 'kind_note', '')}", flush=True)


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


def main():
    global PERIOD
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--port", type=int, default=8391)
    ap.add_argument("--period", type=float, default=20)
    ap.add_argument("--sources-out", help="write a sources.json pointing at this server")
    ap.add_argument("--pages", metavar="DIR", help="serve WeChat article pages over https (see above)")
    ap.add_argument("--pages-port", type=int, default=443, help="port of the article pages (the daemons ask :443)")
    ap.add_argument("--outage", type=float, default=600, help="seconds an article page of the outage kind answers 503")
    a = ap.parse_args()
    PERIOD = a.period
    fs, sources = feeds()
    base = f"http://127.0.0.1:{a.port}"
    Handler.routes = {f.path: f for f in fs}
    if a.pages:
        Handler.pages = Pages(a.pages, a.outage)
    if a.sources_out:
        for i, s in enumerate(sources):
            for key in ("url", "mirror", "baseUrl", "apiUrl"):
                if key in s:
                    s[key] = base + s[key]
            s["schedule"] = f"{i % 15}/{(15, 20, 30)[i % 3]} * * ? * *"
            s["allowPrivateNetwork"] = True
            if a.pages and s["kind"] == "wechat-mirror":
                s.update(enrich=True, enrichLimit=3, enrichBackoff="3m")
        pathlib.Path(a.sources_out).write_text(json.dumps({"sources": sources}, ensure_ascii=False, indent=1), encoding="utf-8")
        print(f"{len(sources)} sources written to {a.sources_out}", flush=True)
    srv = Server(("127.0.0.1", a.port), Handler)
    if a.pages:
        pages = Server(("127.0.0.1", a.pages_port), PageHandler)
        pages.socket = Handler.pages.context.wrap_socket(pages.socket, server_side=True, do_handshake_on_connect=False)
        threading.Thread(target=pages.serve_forever, daemon=True).start()
        print(f"serving WeChat article pages on https://127.0.0.1:{a.pages_port} as mp.weixin.qq.com", flush=True)
    print(f"serving {len(fs)} addresses on {base}", flush=True)
    srv.serve_forever()


if __name__ == "__main__":
    main()
