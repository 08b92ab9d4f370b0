#!/usr/bin/env python3
"""Writes a synthetic RSS feed for earshot's delivery and crash tests.

Usage: genfeed.py FILE N [--first K] [--negative-every M] [--brand NAME]
                  [--second NAME]

N items numbered from K (default 0), each naming --brand (default Acme) in
a text unique to its number; every M-th item (default 5) is an angry post
that scores far below -0.5, the rest are glad ones. With --second, every
third item names that brand too (neutrally). Prints, for the test to
compare against, "mentions A alerts B": how many brand mentions and how
many negative ones the items hold.
"""
import argparse
from xml.sax.saxutils import escape


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("file")
    ap.add_argument("n", type=int)
    ap.add_argument("--first", type=int, default=0)
    ap.add_argument("--negative-every", type=int, default=5)
    ap.add_argument("--brand", default="Acme")
    ap.add_argument("--second")
    a = ap.parse_args()
    mentions = alerts = 0
    out = ['<?xml version="1.0"?>\n<rss version="2.0"><channel><title>gen</title>']
    for i in range(a.first, a.first + a.n):
        if i % a.negative_every == 0:
            text = ("%s support is terrible and the refund never came. Awful, "
                    "never again. (case %d)" % (a.brand, i))
            alerts += 1
        else:
            text = "%s made my day, great service and a lovely team. (note %d)" % (a.brand, i)
        mentions += 1
        if a.second and i % 3 == 0:
            text += " I also wrote to %s about order %d on Tuesday." % (a.second, i)
            mentions += 1
        out.append("<item><title>post %d</title><guid>gen-%d</guid>"
                   "<link>https://gen.example/p/%d</link><description>%s</description>"
                   "<pubDate>Mon, 30 Nov 2026 10:00:00 GMT</pubDate></item>"
                   % (i, i, i, escape(text)))
    out.append("</channel></rss>\n")
    with open(a.file, "w") as f:
        f.write("\n".join(out))
    print("mentions %d alerts %d" % (mentions, alerts))


if __name__ == "__main__":
    main()
