"""What scripts/bench, scripts/bench-fetch and scripts/bench-peer.py share:
the loopback feed servers, a corpus of RSS, Atom, JSON Feed and JSON API
feeds built from varied sentences, the configuration naming them, and a
timed run under /usr/bin/time. Python stdlib only.

The servers are one tests/bench_serve process (C, built by make bench and
make bench-fetch, its path in $BENCH_SERVE): it binds each address on a
free port, prints the ports, and serves the corpus's files (each read once,
then kept in memory) with an ETag, answering 304 to a matching
If-None-Match. GET /gen/N makes every address serve "generation" N of
every file: each "gen0-" (in ids, links and titles) becomes "genN-", so
the same feeds carry new items.
"""
import multiprocessing
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time

# --- the corpus --------------------------------------------------------

SYLLABLES = ("zen vor quil brix tal nym orb kex lum pax dra vel cor fin jad mox".split())
ENDINGS = "tra ico ara ex io".split()
PRODUCTS = "cloud pay app mobile one".split()
KINDS = ("rss", "rss", "rss", "rss", "atom", "atom", "atom", "jsonfeed", "jsonfeed",
         "json")
EXT = {"rss": "xml", "atom": "atom", "jsonfeed": "json", "json": "api.json"}
TYPES = {"xml": "application/rss+xml", "atom": "application/atom+xml",
         "json": "application/feed+json"}

SUBJECTS = ("I", "We", "My sister", "The support team", "The new update", "Customer service",
            "The latest release", "Our order", "The checkout page", "Their pricing",
            "The mobile app", "Shipping", "The battery", "The manager", "Everyone here",
            "The documentation", "This week's delivery", "The refund process")
OPINIONS = ("was really helpful and quick", "crashed twice after the last update",
            "is okay I guess", "took three weeks to arrive", "works great on my phone",
            "is absolutely terrible", "made billing confusing", "was not bad at all",
            "keeps getting better", "never answered my emails", "is overpriced for what it does",
            "exceeded my expectations", "was rude and unhelpful", "feels a bit slow lately",
            "is the best I have used", "broke within a week", "was fine, nothing special",
            "saved me hours of work", "left me waiting on hold for an hour",
            "deserves five stars")
NEWS = ("The city council met on Tuesday to discuss the budget",
        "Rain is expected over the weekend in most of the region",
        "Researchers published a new study on sleep and memory",
        "The museum extends its opening hours during the summer",
        "Local schools will reopen after the holiday next Monday",
        "A new cycling lane opens along the river in spring",
        "Prices of fresh vegetables rose slightly last month",
        "The library is collecting old books for a charity sale",
        "Traffic was slow on the ring road because of roadworks",
        "The football club signed two young players this season")
LINKS = ("but", "and", "although", "because", "even though", "so", "while")


def brands(n=50):
    """n made-up brand names, the same every run."""
    names = []
    for s in SYLLABLES:
        for e in ENDINGS:
            names.append((s + e).capitalize())
    return names[:n]


def brand_patterns(name):
    """Several patterns per brand, as a user writes them: the word, the
    handle, the hashtag, the products."""
    w = name.lower()
    return ["\\b%s\\b" % w, "@%s\\w*" % w, "\\#%s\\b" % w,
            "\\b%s\\s+(?:%s)\\b" % (w, "|".join(PRODUCTS))]


def mention(rng, name):
    return rng.choice((name, name, "@" + name.lower(), "#" + name, "%s %s" % (
        name, rng.choice(PRODUCTS).capitalize()), name + "'s"))


def sentence(rng):
    if rng.random() < 0.4:
        return rng.choice(NEWS) + "."
    s = "%s %s" % (rng.choice(SUBJECTS), rng.choice(OPINIONS))
    if rng.random() < 0.4:
        other = rng.choice(SUBJECTS)
        s += " %s %s %s" % (rng.choice(LINKS), other if other == "I" else other.lower(),
                            rng.choice(OPINIONS))
    return s + rng.choice((".", ".", "!", "?"))


def post(rng, names, share):
    """(title, body sentences) of one post; share of posts name a brand."""
    body = [sentence(rng) for _ in range(rng.randint(2, 5))]
    if rng.random() < share:
        i = rng.randrange(len(body))
        words = body[i].split(" ")
        words.insert(rng.randrange(1, len(words)), mention(rng, rng.choice(names)))
        body[i] = " ".join(words)
    return " ".join(sentence(rng).rstrip(".!?").split(" ")[:8]), body


def esc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def jstr(s):
    return '"%s"' % s.replace("\\", "\\\\").replace('"', '\\"')


def feed_doc(f, items, share, now):
    """Feed f's document, of the kind KINDS gives it."""
    rng = random.Random(f * 7919 + 1)
    names = brands()
    kind = KINDS[f % len(KINDS)]
    out = []
    for i in range(items):
        title, body = post(rng, names, share)
        title = "%s (gen0-%d)" % (title, i)
        link = "https://site%d.example/posts/gen0-%d" % (f, i)
        uid = "urn:bench:%d:gen0-%d" % (f, i)
        t = now - rng.randint(0, 3 * 86400)
        html = "".join("<p>%s</p>" % s for s in body)
        if kind == "rss":
            out.append("<item><title>%s</title><link>%s</link><guid isPermaLink=\"false\">%s"
                       "</guid><pubDate>%s</pubDate><description>%s</description></item>\n"
                       % (esc(title), link, uid, time.strftime(
                           "%a, %d %b %Y %H:%M:%S +0000", time.gmtime(t)), esc(html)))
        elif kind == "atom":
            out.append("<entry><title>%s</title><id>%s</id><link href=\"%s\"/><updated>%s"
                       "</updated><content type=\"html\">%s</content></entry>\n"
                       % (esc(title), uid, link, time.strftime("%Y-%m-%dT%H:%M:%SZ",
                                                             time.gmtime(t)), esc(html)))
        elif kind == "jsonfeed":
            out.append('{"id":%s,"url":%s,"title":%s,"content_html":%s,"date_published":%s}'
                       % (jstr(uid), jstr(link), jstr(title), jstr(html), jstr(
                           time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t)))))
        else:
            out.append('{"uid":%s,"permalink":%s,"headline":%s,"body":%s,"created":%d}'
                       % (jstr(uid), jstr(link), jstr(title), jstr(" ".join(body)), t))
    if kind == "rss":
        doc = ('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
               "<title>Site %d</title><link>https://site%d.example/</link>\n%s"
               "</channel></rss>\n" % (f, f, "".join(out)))
    elif kind == "atom":
        doc = ('<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/'
               'Atom"><title>Blog %d</title><id>urn:bench:%d</id>\n%s</feed>\n'
               % (f, f, "".join(out)))
    elif kind == "jsonfeed":
        doc = ('{"version":"https://jsonfeed.org/version/1.1","title":"Feed %d","items":[%s]}\n'
               % (f, ",\n".join(out)))
    else:
        doc = '{"data":{"count":%d,"posts":[%s]}}\n' % (items, ",\n".join(out))
    return doc


def _write(args):
    folder, lo, hi, items, share, now = args
    for f in range(lo, hi):
        doc = feed_doc(f, items, share, now)
        with open(os.path.join(folder, feed_file(f)), "w") as out:
            out.write(doc)


def generate(folder, feeds, items, share):
    """Writes feeds documents into folder (kept and reused when it already
    holds this corpus), on every CPU. Returns the folder's size in bytes."""
    stamp = os.path.join(folder, ".corpus")
    want = "%d %d %g\n" % (feeds, items, share)
    if not (os.path.exists(stamp) and open(stamp).read() == want):
        shutil.rmtree(folder, ignore_errors=True)
        os.makedirs(folder)
        now = int(time.time())
        step = 250
        jobs = [(folder, lo, min(lo + step, feeds), items, share, now)
                for lo in range(0, feeds, step)]
        with multiprocessing.Pool() as pool:
            pool.map(_write, jobs)
        with open(stamp, "w") as out:
            out.write(want)
        os.sync()  # the corpus's writeback must not slow the runs' fsyncs
    return sum(e.stat().st_size for e in os.scandir(folder) if e.name[0] != ".")


def feed_file(f):
    return "f%05d.%s" % (f, EXT[KINDS[f % len(KINDS)]])


def write_conf(path, root, feeds, base, extra=()):
    """An earshot configuration for the first feeds of the corpus, spread
    over the servers in base, with the 50 brands and their patterns."""
    lines = ["state_dir = state", "out_dir = out",
             "lexicon = %s" % os.path.join(root, "lexicon", "en.tsv"),
             "user_agent_contact = https://example.org/bench", "min_interval = 1s"]
    lines += list(extra)
    for b in brands():
        lines.append("[brand %s]" % b)
        lines += ["match = %s" % p for p in brand_patterns(b)]
    for f in range(feeds):
        lines += ["[feed f%d]" % f, "url = %s/%s" % (base[f % len(base)], feed_file(f))]
        if KINDS[f % len(KINDS)] == "jsonfeed":
            lines.append("type = jsonfeed")
        elif KINDS[f % len(KINDS)] == "json":
            lines += ["type = json", "items = data.posts", "id = uid", "link = permalink",
                      "title = headline", "text = body", "date = created"]
    with open(path, "w") as out:
        out.write("\n".join(lines) + "\n")


# --- the servers -------------------------------------------------------

class Servers:
    """One tests/bench_serve process (its path in $BENCH_SERVE, which make
    sets) listening on HOSTS addresses 127.0.0.2 .. (one address per
    "site", so earshot's per-host limit applies as it would across real
    sites); a context manager that ends it. One single-threaded process
    uses at most one core, so the runs it serves keep the others."""

    def __init__(self, folder, hosts):
        exe = os.environ.get("BENCH_SERVE", "")
        if not os.access(exe, os.X_OK):
            sys.exit("%s: no feed server: BENCH_SERVE=%r is not an executable; run it through "
                     "`make bench` or `make bench-fetch`, which build tests/bench_serve.c"
                     % (os.path.basename(sys.argv[0]), exe))
        addrs = ["127.0.0.%d" % (h + 2) for h in range(hosts)]
        self.proc = subprocess.Popen([exe, folder] + addrs, stdout=subprocess.PIPE, text=True)
        self.base = []
        for a in addrs:
            port = self.proc.stdout.readline().strip()
            if not port:
                self.proc.wait()
                sys.exit("%s: %s did not start (exit %d)"
                         % (os.path.basename(sys.argv[0]), exe, self.proc.returncode))
            self.base.append("http://%s:%s" % (a, port))

    def set_gen(self, gen):
        """Serves generation gen (see the module comment) on every address."""
        import urllib.request
        urllib.request.urlopen("%s/gen/%d" % (self.base[0], gen)).read()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait()


def curl_alone(work, feeds, base, label="server alone"):
    """The servers' ceiling: the same URLs fetched by curl, 32 at once.
    Returns feeds/s, or None without curl."""
    if not shutil.which("curl"):
        print("%s: skipped (no curl)" % label)
        return None
    cfg = os.path.join(work, "urls.curl")
    with open(cfg, "w") as out:
        for f in range(feeds):
            out.write('url = "%s/%s"\noutput = "/dev/null"\n' % (base[f % len(base)],
                                                                 feed_file(f)))
    t0 = time.monotonic()
    r = subprocess.run(["curl", "-s", "--parallel", "--parallel-max", "32", "-K", cfg],
                       capture_output=True)
    wall = time.monotonic() - t0
    print("%-22s %6.2f s  %7.0f feeds/s  (curl --parallel-max 32, exit %d)"
          % (label, wall, feeds / wall, r.returncode))
    return feeds / wall


def timed(cmd, cwd):
    """Runs cmd under /usr/bin/time -v: (exit status, wall s, CPU s, peak RSS
    KiB, stderr)."""
    t0 = time.monotonic()
    r = subprocess.run(["/usr/bin/time", "-v"] + cmd, cwd=cwd, capture_output=True,
                       text=True)
    wall = time.monotonic() - t0

    def field(name):
        m = re.search(name + r": ([0-9.]+)", r.stderr)
        return float(m.group(1)) if m else 0.0
    cpu = field(r"User time \(seconds\)") + field(r"System time \(seconds\)")
    return (r.returncode, wall, cpu, field(r"Maximum resident set size \(kbytes\)"),
            r.stderr)

