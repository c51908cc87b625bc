"""Run the router of an old commit (given on sys.path) over a labeled file; print decision features as JSONL."""
import json, re, sys
sys.path.insert(0, sys.argv[1])
from routing.classify import classify
for line in open(sys.argv[2], encoding="utf-8"):
    if not line.strip():
        continue
    r = json.loads(line)
    d = classify(r["prompt"])
    score = None
    for reason in d.reasons:
        m = re.search(r"deep-reasoning evidence (-?[\d.]+)", reason)
        if m:
            score = float(m.group(1))
    print(json.dumps({"id": r["id"], "tier": d.tier, "kind": d.kind, "confidence": d.confidence,
                      "intent": getattr(d, "intent", ""), "score": score}))
