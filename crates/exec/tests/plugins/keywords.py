#!/usr/bin/env python3
"""A stancegraph-exec/1 plugin: tags keyword occurrences into the `ext:keywords` layer.

It also misbehaves on purpose when the text asks it to, so the tests can check that the
runner survives crashes, garbage, timeouts and invalid spans.
"""
import json
import re
import sys
import time

KEYWORDS = ["tariff", "export controls", "rare earth", "summit"]

for line in sys.stdin:
    request = json.loads(line)
    assert request["protocol"] == "stancegraph-exec/1"
    doc = request["document"]
    text = doc["text"]
    if "PLEASE CRASH" in text:
        sys.exit(3)
    if "PLEASE GARBAGE" in text:
        print("this is not json", flush=True)
        continue
    if "PLEASE SLEEP" in text:
        time.sleep(5)
    if "PLEASE FAIL" in text:
        print(json.dumps({"error": "refusing this document"}), flush=True)
        continue
    hits = []
    for keyword in KEYWORDS:
        for match in re.finditer(re.escape(keyword), text, re.IGNORECASE):
            # Python string indices are code points, as the protocol requires.
            hits.append({"keyword": keyword, "start": match.start(), "end": match.end()})
    doc.setdefault("extensions", {})["keywords"] = sorted(hits, key=lambda h: h["start"])
    if "PLEASE BADSPAN" in text:
        doc["sentences"] = [{"span": {"start": 0, "end": len(text) + 10}, "kind": "body", "stage": "py", "confidence": 1.0}]
    if "PLEASE RETEXT" in text:
        doc["text"] = text.upper()
    print(json.dumps({"document": doc}), flush=True)
