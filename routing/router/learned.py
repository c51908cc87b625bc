"""The learned layer: a small linear model over the rules' verdict and the prompt's words.

The rules (routing.router.classify) read a prompt for the signals they were
written to find; real prompts say the same things in words nobody listed.
This layer is a multinomial logistic regression, fitted on the corpus of
real prompts (train/train.py), over

- the rules' own verdict: label, confidence, intent, deep-reasoning score;
- a few shapes of the text: length, a question, a paste; and
- the words: each word and each pair of neighbouring words (and character
  pairs inside words of scripts written without spaces), hashed into
  2**BITS buckets, binary and L2-normalised.

A user's own adjustment, when there is one, adds to the shipped weights:
`$XDG_STATE_HOME/modelroute/router-adjust.json`, {"version": 1, "bias": [per
label], "weights": {named feature: [per label]}}. It holds named features and
biases only, never words, so it can be learned from a user's escalations and
`/model` switches without keeping any prompt text (learning it is the next
step; the format and its loading are here so the shipped model need not change).

Everything is linear, so scoring is a sum of per-label weights: named ones in
model/model.json, per-bucket ones as one int8 column per label in
model/weights.bin (label-major, so a label's score is one C-level sum). No
numpy ships and nothing is downloaded. model.json names every feature, so
an explanation can say which ones decided, and a per-user adjustment (the
next step) is one more set of named weights on top.
"""

from __future__ import annotations

import os

from routing.core.tiers import TIERS, step_up
from routing.router.decision import PREV_KINDS, Decision
from routing.router.textscan import stable_hash

try:  # operator's C half, built into the interpreter; operator.py itself is one more file to load
    from _operator import itemgetter
except ImportError:  # pragma: no cover - other interpreters
    from operator import itemgetter

LABELS = ("haiku", "sonnet", "opus", "escalate", "continue")
HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "model")
MODEL_FILE = os.path.join(HERE, "model.json")
WEIGHTS_FILE = os.path.join(HERE, "weights.bin")
WEIGHTS_MAGIC = b"MRWT"
BITS = 17
MAX_WORDS = 300  # the ask's first words; later ones add little and cost time
RULE_INTENTS = ("lookup", "explain", "review", "verify", "code", "diagnose", "design", "task", "escalate",
                "continue", "none")
_PUNCT = {ord(c): " " for c in "!\"#$%&()*+,-./:;<=>?@[\\]^`{|}~\t\n\r…，。！？：；、（）「」『』【】《》“”‘’"}


def feature_names() -> list[str]:
    """Every named feature, in the model's order."""
    names = [f"rule={lab}" for lab in LABELS]
    names += ["rule_confidence", "rule_score", "rule_score_pos"]
    names += [f"intent={i}" for i in RULE_INTENTS]
    names += ["words", "question", "paste", "short"]
    names += [f"prev={k}" for k in PREV_KINDS]
    return names


def named_features(rule: dict, question: str, paste: str) -> dict[str, float]:
    """The named features of one prompt. `rule` is the rules' verdict: tier, kind,
    confidence, intent, and for tasks evidence and damp (classify's trace), and `prev`,
    what the assistant's previous turn was, when there was one.

    Training leaves `prev` out for the corpus batches that recorded the turn mostly where
    it decided the label (train.records_turns): there a model would learn "any context
    means a complaint"."""
    kind = rule.get("kind", "task")
    label = rule.get("tier", "sonnet") if kind == "task" else kind
    out = {f"rule={label}": 1.0, "rule_confidence": float(rule.get("confidence") or 0.0)}
    score = max(-3.0, min(4.0, float(rule.get("evidence") or 0.0) - float(rule.get("damp") or 0.0)))
    out["rule_score"] = score / 2
    out["rule_score_pos"] = max(0.0, score) / 2
    intent = kind if kind != "task" else (rule.get("intent") or "none")
    out[f"intent={intent if intent in RULE_INTENTS else 'task'}"] = 1.0
    n = len(question.split())
    out["words"] = min(n, 400) ** 0.5 / 10  # concave in length; ** needs no math module
    if question.rstrip().endswith(("?", "？")):
        out["question"] = 1.0
    if paste:
        out["paste"] = 1.0
    if n <= 4:
        out["short"] = 1.0
    prev = rule.get("prev")
    if prev in PREV_KINDS:
        out["prev=" + prev] = 1.0
    return out


def words(text: str) -> list[str]:
    return text.lower().translate(_PUNCT).split()[:MAX_WORDS]


BULK_AFTER = 64  # prompts scored before a process copies the columns for bulk scoring
_PLUS_128 = bytes(range(128, 256)) + bytes(range(128))  # an int8's byte -> that weight + 128, unsigned
_MASK = (1 << BITS) - 1
_EDGE = stable_hash("w:^")  # the hash standing for the start and the end of the text
_word_cache: dict[str, tuple[int, tuple[int, ...]]] = {}


def _word(w: str) -> tuple[int, tuple[int, ...]]:
    """A word's hash and its own buckets: the word, and its character pairs outside ASCII
    (Chinese and Japanese have no spaces). Cached: prompts repeat their words."""
    hit = _word_cache.get(w)
    if hit is None:
        h = stable_hash("w:" + w)
        own = [h & _MASK]
        if not w.isascii() and len(w) > 1:
            own += [stable_hash("c:" + w[i : i + 2]) & _MASK for i in range(len(w) - 1)]
        hit = (h, tuple(own))
        if len(_word_cache) < 100_000:
            _word_cache[w] = hit
    return hit


def _pair(a: int, b: int) -> int:
    """The bucket of two neighbouring words (by their hashes)."""
    return ((a * 1000003) ^ b ^ 0x5BD1E995) & _MASK


def buckets(text: str) -> set[int]:
    """The text's hashed features: each word, each pair of neighbours (with the start and the
    end as words), each character pair of a word outside ASCII."""
    out: set[int] = set()
    prev = _EDGE
    cache = _word_cache
    for w in words(text):
        hit = cache.get(w)
        h, own = hit if hit is not None else _word(w)
        out.update(own)
        out.add(((prev * 1000003) ^ h ^ 0x5BD1E995) & _MASK)  # _pair, inlined: it runs per word
        prev = h
    if prev != _EDGE:
        out.add(_pair(prev, _EDGE))
    return out


class Model:
    """The fitted weights: per label a bias, one weight per named feature, one int8 per bucket."""

    __slots__ = ("labels", "bias", "weights", "scales", "columns", "meta", "margin", "_calls", "_bulk")

    def __init__(self, spec: dict, weights: bytes) -> None:
        self.labels = tuple(spec["labels"])
        if self.labels != LABELS:
            raise ValueError(f"model labels {self.labels} are not {LABELS}")
        self.bias = [float(b) for b in spec["bias"]]
        self.weights = {name: [float(x) for x in w] for name, w in spec["weights"].items()}
        self.scales = [float(s) for s in spec["bucket_scales"]]
        self.meta = spec.get("meta", {})
        self.margin = float(self.meta.get("margin", 0.0))
        if weights[:4] != WEIGHTS_MAGIC:
            raise ValueError("not a modelroute weights file")
        size = 1 << BITS
        if len(weights) != 4 + len(self.labels) * size:
            raise ValueError("weights file does not match the model")
        # Views into the file's bytes, no copy: `array` would cost the hook collections.abc (~2 ms).
        flat = memoryview(weights)[4:].cast("b")
        self.columns = [flat[c * size : (c + 1) * size] for c in range(len(self.labels))]
        self._calls = 0
        self._bulk: "list[bytes] | None" = None

    def _bulk_columns(self) -> "list[bytes] | None":
        """The columns as bytes of weight + 128, once this process has scored BULK_AFTER prompts.

        Gathering from bytes is about twice as fast as from an int8 memoryview, but the copy
        (~1 ms) would be most of a hook's scoring, so only a process that routes many prompts
        (route report, route eval) makes it."""
        if self._bulk is None:
            self._calls += 1
            if self._calls <= BULK_AFTER:
                return None
            self._bulk = [bytes(col).translate(_PLUS_128) for col in self.columns]
        return self._bulk

    def scores(self, named: dict[str, float], text: str) -> list[float]:
        """Per-label scores: the bias, the named features' weights, the words' columns."""
        b0, b1, b2, b3, b4 = self.bias
        weights = self.weights
        for name, x in named.items():
            w = weights.get(name)
            if w is not None:
                b0 += w[0] * x
                b1 += w[1] * x
                b2 += w[2] * x
                b3 += w[3] * x
                b4 += w[4] * x
        out = [b0, b1, b2, b3, b4]
        found = buckets(text)
        if found:
            inv = len(found) ** -0.5
            if len(found) == 1:  # itemgetter of one item gives that item, not a tuple
                (b,) = found
                return [o + col[b] * s * inv for o, col, s in zip(out, self.columns, self.scales)]
            pick = itemgetter(*found)  # one C call per column gathers every bucket's weight
            bulk = self._bulk if self._bulk is not None else self._bulk_columns()
            if bulk is not None:  # the same integer sums, from bytes holding weight + 128
                k = 128 * len(found)
                return [o + (sum(pick(col)) - k) * s * inv for o, col, s in zip(out, bulk, self.scales)]
            out = [o + sum(pick(col)) * s * inv for o, col, s in zip(out, self.columns, self.scales)]
        return out

    def parts(self, named: dict[str, float], text: str) -> dict[str, list[float]]:
        """What made the scores: {feature name or "words": per-label contribution}."""
        out = {name: [wi * x for wi in self.weights[name]] for name, x in named.items() if name in self.weights and x}
        found = buckets(text)
        if found:
            norm = len(found) ** 0.5
            out["words"] = [sum(map(col.__getitem__, found)) * s / norm for col, s in zip(self.columns, self.scales)]
        return out

    def word_contributions(self, text: str, label: int, other: int) -> list[tuple[float, str]]:
        """Each word's pull toward `label` over `other`, strongest first (for explanations)."""
        norm = (len(buckets(text)) or 1) ** 0.5
        win, lose = self.columns[label], self.columns[other]
        seen: dict[str, float] = {}
        for w in words(text):
            b = _word(w)[1][0]
            seen[w] = (win[b] * self.scales[label] - lose[b] * self.scales[other]) / norm
        return sorted(((v, w) for w, v in seen.items()), reverse=True)


_model: "Model | None" = None
_failed = False


ADJUST_NAME = "router-adjust.json"
ADJUST_MAX = 64 * 1024


def model() -> "Model | None":
    """The shipped model with the user's adjustment, loaded once; None when the model's files
    are missing or unreadable (the rules then decide alone)."""
    global _model, _failed
    if _model is None and not _failed:
        try:
            from routing.core import fastjson

            with open(MODEL_FILE, "rb") as f:
                spec = fastjson.loads(f.read().decode("utf-8"))
            with open(WEIGHTS_FILE, "rb") as f:
                _model = Model(spec, f.read())  # type: ignore[arg-type]
        except (OSError, ValueError, KeyError, TypeError):
            _failed = True
            return None
        adjust(_model, _read_adjustment())
    return _model


def _read_adjustment() -> "dict | None":
    from routing.core import fastjson, paths

    try:
        with open(os.path.join(paths.state_dir_str(), ADJUST_NAME), "rb") as f:
            raw = f.read(ADJUST_MAX + 1)
    except OSError:
        return None
    if len(raw) > ADJUST_MAX:
        return None
    try:
        doc = fastjson.loads(raw.decode("utf-8"))
    except ValueError:
        return None
    return doc if isinstance(doc, dict) else None


def adjust(m: Model, doc: "dict | None") -> bool:
    """Add a user's adjustment to the model; anything malformed is ignored whole."""
    if not doc or doc.get("version") != 1:
        return False
    k = len(m.labels)

    def vec(v: object) -> "list[float] | None":
        ok = isinstance(v, list) and len(v) == k and all(isinstance(x, (int, float)) and not isinstance(x, bool)
                                                          and abs(x) <= 10 for x in v)
        return [float(x) for x in v] if ok else None  # type: ignore[union-attr]

    bias = vec(doc.get("bias", [0.0] * k))
    weights = doc.get("weights", {})
    if bias is None or not isinstance(weights, dict):
        return False
    deltas = {}
    for name, v in weights.items():
        w = vec(v)
        if name not in feature_names() or w is None:
            return False
        deltas[name] = w
    m.bias = [b + d for b, d in zip(m.bias, bias)]
    for name, w in deltas.items():
        m.weights[name] = [a + d for a, d in zip(m.weights.get(name, [0.0] * k), w)]
    return True


_E = 2.718281828459045  # e: `** x` instead of math.exp, as math is a module to load (~0.4 ms a hook)


def softmax(xs: list[float]) -> list[float]:
    m = max(xs)
    e = [_E ** (x - m) for x in xs]
    s = sum(e)
    return [x / s for x in e]


# What a named feature means, for an explanation a user can read.
_SAYS = {
    "rule=haiku": "the rules read a lookup", "rule=sonnet": "the rules read everyday coding",
    "rule=opus": "the rules read deep reasoning", "rule=escalate": "the rules read a complaint",
    "rule=continue": "the rules read an approval", "rule_score": "signs of hard reasoning",
    "rule_score_pos": "signs of hard reasoning", "rule_confidence": "how sure the rules were",
    "words": "the wording", "question": "it is a question", "paste": "a paste set aside", "short": "it is short",
    "prev=edit": "the assistant had just changed files", "prev=answer": "the assistant had just answered",
    "prev=plan": "the assistant had just proposed a plan", "prev=question": "the assistant had just asked something",
    "prev=error": "the assistant's last turn failed",
}


# The labeling guide's hidden-complexity patterns: a race, a leak or an intermittent
# failure is a hunt for an unknown cause however simply it is asked ("find the race
# in..."). When the rules send one to opus, the words may not send it lower.
_HUNTS = ("concurrency_bug", "memory", "nondeterministic")


def kept_high(rule: dict) -> bool:
    signals = rule.get("signals") or {}
    return rule.get("kind") == "task" and rule.get("tier") == "opus" and any(s in signals for s in _HUNTS)


def possible(label: str, rule: dict) -> bool:
    """May the words make this label? An escalation rejects the previous turn, so it needs
    one: the first prompt of a session, or a prompt whose conversation is unknown, is never
    an escalation unless the rules read one in the words themselves ("still wrong").

    Past a turn, the words decide, with or without a word the rules know as a complaint:
    most real complaints ("你干了啥？", "this is what it answered me") have none, and
    requiring one kept 58% of the training split's escalations out of the model's reach."""
    return label != "escalate" or rule.get("kind") == "escalate" or rule.get("prev") is not None


def weigh(decision: Decision, rule: dict, question: str, paste: str, session: "str | None") -> Decision:
    """The router's final word: the learned model's label over the rules' verdict (`decision`,
    with `rule` its features). The rules' decision stands when no model is installed."""
    m = model()
    if m is None:
        return decision
    raw = m.scores(named_features(rule, question, paste), question)
    if not possible("escalate", rule):
        raw[m.labels.index("escalate")] = -1e9
    best = runner = -1
    for i, x in enumerate(raw):
        if best < 0 or x > raw[best]:
            best, runner = i, best
        elif runner < 0 or x > raw[runner]:
            runner = i
    top = raw[best]
    total = sum(_E ** (x - top) for x in raw)
    p_best, p_runner = 1.0 / total, _E ** (raw[runner] - top) / total
    label = m.labels[best]
    ruled = decision.tier if decision.kind == "task" else decision.kind
    said = f"{label} {p_best:.0%} over {m.labels[runner]} {p_runner:.0%}"
    if label in ("haiku", "sonnet") and kept_high(rule):
        decision.reasons.append(f"learned layer leans {said}; a hunt for an unknown cause stays on opus")
        return decision
    if label != ruled and ruled in m.labels and raw[best] - raw[m.labels.index(ruled)] < m.margin:
        # A close call: the rules' own reading stands (the margin was chosen in training).
        decision.reasons.append(f"learned layer leans {said}; too close to overrule the rules' {ruled}")
        return decision
    if label == ruled:
        decision.reasons.append("learned layer agrees: " + said)
        decision.confidence = round(max(decision.confidence, p_best), 2)
        return decision
    reasons = decision.reasons + [f"learned layer: {said}, not the rules' {ruled}"]
    if label in TIERS:
        return Decision(label, "task", p_best, reasons, decision.intent if decision.kind == "task" else "task")
    if label == "escalate":
        return Decision(step_up(session or "sonnet"), "escalate", p_best, reasons, "escalate")
    return Decision(session or "sonnet", "continue", p_best, reasons, "continue")


def explain(rule: dict, question: str, paste: str) -> "list[str]":
    """For `route explain`: the model's scores, and the strongest pulls toward its choice
    over the runner-up, in words (kept out of `weigh`: the report routes whole histories)."""
    m = model()
    if m is None:
        return ["learned layer: not installed (routing/router/model is missing)"]
    named = named_features(rule, question, paste)
    probs = softmax([x if possible(lab, rule) else -1e9 for lab, x in zip(m.labels, m.scores(named, question))])
    parts = m.parts(named, question)
    order = sorted(range(len(probs)), key=probs.__getitem__, reverse=True)
    best, runner = order[0], order[1]
    lines = ["learned layer: " + ", ".join(f"{m.labels[i]} {probs[i]:.0%}" for i in order[:3])]
    why = _why(m, parts, question, best, runner)
    if why:
        lines.append(f"toward {m.labels[best]} rather than {m.labels[runner]}: {why}")
    return lines


def _why(m: Model, parts: dict, question: str, best: int, runner: int) -> str:
    """The two strongest pulls toward the winner, in words: features, then the words that said most."""
    pulls = sorted(((p[best] - p[runner], name) for name, p in parts.items()), reverse=True)
    out = []
    for pull, name in pulls[:2]:
        if pull <= 0.2:
            break
        if name == "words":
            top = [w for v, w in m.word_contributions(question, best, runner) if v > 0.05 and len(w) > 2][:3]
            out.append("the words " + ", ".join(f"'{w}'" for w in top) if top else "the wording")
        elif name in _SAYS:
            out.append(_SAYS[name])
        elif name.startswith("intent=") and name[7:] not in ("none", "task"):
            out.append(f"it reads as {name[7:]}")
    return "; ".join(out)
