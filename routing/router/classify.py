"""The router: a pure function from a prompt (and its session) to a tier.

How it decides, in order:
1. Set pasted material aside (`prompt_text.split`) and read only the ask.
2. Find which lexicons (signals) fire, and where.
3. Short approvals keep the session's tier (kind `continue`); complaints
   about the last answer step one tier up (kind `escalate`).
4. Otherwise the ask's leading intent sets a base tier (lookups and
   explanations: haiku; coding and debugging: sonnet; design: opus), and
   evidence of hard reasoning (concurrency, memory safety, security, system
   architecture and performance, wide scope, heisenbugs) lifts it to opus.
   Evidence of small scope or read-only intent holds it down: when in doubt,
   one tier lower. Team rules from the config apply last.

No I/O happens here; the rule set is compiled once by `routing.router.rules`.
"""

from __future__ import annotations

from routing.core.tiers import TIERS, rank, step_up
from routing.router import prompt_text
from routing.router import learned as _learned
from routing.router.decision import Context, Decision
from routing.router.names import mask as mask_names
from routing.router.rules import RuleSet, default_rules
from routing.router.textscan import word_spans, words

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: typing costs the hooks start-up time
    from typing import Optional

INTENTS = ("lookup", "explain", "review", "verify", "code", "diagnose", "design")
HARD = (
    "concurrency_bug", "memory", "concurrency", "security", "risk_question", "data_loss",
    "architecture", "system_performance", "load", "caching",
)
# Bugs of these kinds are hunts even when phrased as "find X" or "what's X".
BUGS = ("concurrency_bug", "memory")
_INTENT_SET = frozenset(INTENTS)
# Weight of each hard-reasoning topic as evidence for opus.
HARD_WEIGHT = {
    "concurrency_bug": 1.6,
    "concurrency": 0.8,
    "memory": 1.6,
    "security": 1.4,
    "risk_question": 1.6,
    "architecture": 1.0,
    "system_performance": 1.0,
    "caching": 1.0,
    "load": 0.8,
    "data_loss": 1.0,
}
OPUS_AT = 1.2  # evidence needed to lift a task to opus (measured on the sets in tests/data)
TRADEOFF_WEIGHT = 0.7  # a trade-off question: with TRADEOFF_SYSTEM (about a system's parts) it reaches OPUS_AT
TRADEOFF_SYSTEM = 0.6

# Words that may stand between a clause boundary and its verb without
# making the verb less of a command: "can you please write ...".
_LEAD_INS = frozenset(
    "and then also please pls plz can could would will you to let's lets we i need want help me now first quick "
    "você pode podes puedes podrías pourrais peux kannst könntest du tu check see u ya "
    "next just ok okay so hey hi quickly us ich bitte je yo eu por favor kannst du peux tu tu puedes "
    "you'll lets's".split()
)
_BOUNDARY = frozenset(".!?;:,\n(")
# A word glued to these is part of a path or identifier ("/search",
# "scheduler/lock.go", "`find`"), not something the user asks for.
_GLUE_BEFORE = frozenset("/.@\\#$_")


class _Signals(dict):
    """Which signals fired in the ask, and which intents open a clause.

    The dict itself maps each signal to the char offset of its first match, so
    `"design" in sig` is the dict's own test (the router asks ~30 per prompt)."""

    __slots__ = ("first_end", "initial", "hits", "n_tokens")

    def __init__(self) -> None:
        super().__init__()
        self.first_end: dict[str, int] = {}  # signal -> char offset where that first match ends
        self.hits: dict[str, int] = {}  # signal -> number of phrase matches
        self.initial: dict[str, int] = {}  # intent -> char offset where it opens a clause
        self.n_tokens = 0

    @property
    def first(self) -> dict[str, int]:
        """signal -> char offset of its first match."""
        return self


def _find(rules: RuleSet, question: str) -> _Signals:
    low = mask_names(question.lower())
    toks = words(low)
    out = _Signals()
    out.n_tokens = n = len(toks)
    phrases, lengths = rules.tables(toks)
    spans: list[tuple[int, int]] = []
    stems = rules.stems
    for i in range(n):
        tried = lengths.get(toks[i])
        stemmed = None
        if tried is None:
            stemmed = rules.stem_key(toks[i]) if stems and len(toks[i]) > 4 else None
            if stemmed is None:
                continue
            tried = (1,)
        if not spans:  # offsets are needed only once some phrase may start
            spans = word_spans(low)
        start, end = spans[i]
        if start and low[start - 1] in _GLUE_BEFORE:
            continue
        if low[end : end + 1] == "/":
            continue
        # Longest phrase first. Intents and topics each take only their
        # longest phrase here: "where does the time go" is no "where does"
        # lookup and "go deeper" no "go" approval, yet "profile the whole
        # path" still says both "profile" (diagnose) and system performance.
        got_intent = got_topic = False
        opens: "bool | None" = None
        for j in tried:
            if j > n - i:
                continue
            names = phrases.get((stemmed,) if stemmed else tuple(toks[i : i + j]))
            if not names:
                if j == 1 and stems and len(toks[i]) > 4 and not stemmed:
                    # "gründlicher": no exact entry, perhaps a stem's
                    stemmed = rules.stem_key(toks[i])
                    names = phrases.get((stemmed,)) if stemmed else None
                if not names:
                    continue
            if opens is None:
                opens = _opens_clause(low, toks, spans, i)
            took_intent = took_topic = False
            for name in names:
                if name in _INTENT_SET:
                    # A lone intent verb counts only where a clause starts,
                    # so nouns ("the setup", "can a tenant read") don't.
                    if got_intent or (j == 1 and not opens):
                        continue
                    took_intent = True
                    if opens and name not in out.initial:
                        out.initial[name] = start
                elif got_topic:
                    continue
                else:
                    took_topic = True
                out.hits[name] = out.hits.get(name, 0) + 1
                if name not in out.first:
                    out.first[name] = start
                    out.first_end[name] = spans[i + j - 1][1]
            got_intent = got_intent or took_intent
            got_topic = got_topic or took_topic
            if got_intent and got_topic:
                break
    if not low.isascii():
        index = rules.substrings_by_char
        # sorted: a set's order follows the process's hash seed, and `initial` keeps the order found
        for sub, name in [pair for ch in sorted(index.keys() & set(low)) for pair in index[ch]]:
            pos = low.find(sub)
            if pos < 0:
                continue
            out.hits[name] = out.hits.get(name, 0) + 1
            if pos < out.first.get(name, pos + 1):
                out.first[name] = pos
            # Chinese and Japanese have no spaces to find clause starts:
            # count an intent word near the start as opening the ask.
            if name in _INTENT_SET and pos < 12 and pos < out.initial.get(name, pos + 1):
                out.initial[name] = pos
    present = {g for g in rules.gates if g in low}
    present.update(f"w:{w}" for w in rules.word_gates.intersection(toks))
    todo = set(rules.ungated)
    opened_by = rules.opened_by
    for g in present:
        todo.update(opened_by.get(g, ()))
    regexes = rules.regexes
    for i in sorted(todo):  # the patterns' own order: which one is first at a position matters
        rx, name, _ = regexes[i]
        m = rx.search(low)
        if m:
            pos = m.start()
            out.hits[name] = out.hits.get(name, 0) + 1
            if pos < out.first.get(name, pos + 1):
                out.first[name] = pos
                out.first_end[name] = m.end()
            # A pattern is more specific than a word: "how do we guarantee
            # exactly-once" is design, not the "how do" of an explanation.
            if name in _INTENT_SET and _opens_at(low, pos):
                for other in [k for k, v in out.initial.items() if v == pos]:
                    del out.initial[other]
                out.initial[name] = pos
    return out


def _opens_at(low: str, pos: int) -> bool:
    before = low[:pos].rstrip()
    return not before or before[-1] in _BOUNDARY


def _opens_clause(low: str, toks: list[str], spans: list[tuple[int, int]], i: int) -> bool:
    while i > 0:
        if any(c in _BOUNDARY for c in low[spans[i - 1][1] : spans[i][0]]):
            return True
        if toks[i - 1] not in _LEAD_INS:
            return False
        i -= 1
    return True


def _is_continue(question: str, sig: _Signals) -> bool:
    if "continue" not in sig or "followup" in sig or "code" in sig.initial:
        return False
    # "cool, keep going with the rest of the files": an approval that opens
    # the message may carry a few more words.
    opens = sig.first["continue"] <= 1
    limit = 10 if opens else 8
    if sig.n_tokens > limit or len(question) > 80:
        return False
    # "is this ioctl handler ok?" is a question that happens to hold an "ok";
    # "parfait, merci ! vas-y" is all approval wherever the first one stands.
    mostly = sig.hits["continue"] * 2 >= sig.n_tokens
    if not (opens or mostly) and sig.n_tokens > 3 or _is_question(question) and sig.n_tokens > 2:
        return False
    # An approval that also asks for something new is a task.
    return not any(k in sig.initial for k in ("code", "design", "diagnose", "lookup")) or sig.n_tokens <= 3


_SECOND_PERSON = frozenset("you your you're youre yours tu du você vous ihr dein deine ton ta tes".split())


def _is_escalation(sig: _Signals, question: str = "") -> bool:
    unhappy = "dissatisfied" in sig
    deeper = "deeper" in sig
    if unhappy and deeper:
        return sig.n_tokens <= 80
    if unhappy:
        # "same error, fix it" complains first; "refactor X, keep the same
        # error messages" asks first and only mentions an error.
        ask = min((sig.initial[k] for k in ("code", "design") if k in sig.initial), default=None)
        # "... already calling empty_cache(), didn't help" describes the
        # user's own attempt: a complaint opens the message or talks to us.
        to_us = sig.first["dissatisfied"] <= 60 or not _SECOND_PERSON.isdisjoint(question.lower().split())
        return sig.n_tokens <= 30 and to_us and (ask is None or sig.first["dissatisfied"] < ask)
    if deeper:
        return sig.n_tokens <= 24 and not sig.initial and "code" not in sig
    return False


def _complains_after(prev: str, sig: _Signals, question: str) -> bool:
    """A short report that the last turn's work did not take: "it still crashes on save",
    "now the button doesn't even render", "sigue igual". Said right after the assistant
    edited files or answered, it rejects that turn; on its own it may be a new bug."""
    if prev not in ("edit", "answer") or sig.n_tokens > 60:
        return False
    # "I said the formats must match", "undo what you just did", "ちがう": a correction
    # of how the last turn did it rejects that turn as surely as "still broken", and so
    # does news that its change did not take ("nothing happened", "没效果", "está peor").
    unhappy = "dissatisfied" in sig or "corrects" in sig or "not_taken" in sig
    persists = "persists" in sig
    broken = "problem" in sig or "clear_error" in sig or _negates(question)
    if not (unhappy or persists and broken or prev == "edit" and broken and _starts_with_now(question)):
        return False
    # "still" in "add X, still keeping Y" is a new task: the complaint must come first.
    ask = min((sig.initial[k] for k in ("code", "design", "lookup", "explain") if k in sig.initial), default=None)
    cue = min((sig.first[k] for k in ("dissatisfied", "corrects", "not_taken", "persists", "problem") if k in sig),
              default=0)
    return ask is None or cue <= ask or _starts_with_now(question)


_NEGATIONS = ("n't", "not ", " no ", "nothing", "never", "nada", "no se", "ne ", "pas ", "nicht", "не ", "没", "不", "ない",
              "안 ", "không")


def _negates(question: str) -> bool:
    low = f" {question.lower()} "
    return any(n in low for n in _NEGATIONS)


def _starts_with_now(question: str) -> bool:
    words = question.lower().replace(",", " ").split()[:4]
    return "now" in words or "ahora" in words or "maintenant" in words or "agora" in words or "jetzt" in words


def _answers_proposal(sig: _Signals, question: str) -> bool:
    """After a plan or a question: a short pick or go-ahead ("B", "the second one",
    "yes but keep the tests") carries the plan on; a new ask does not."""
    if any(k in sig for k in ("dissatisfied", "problem", "design", "diagnose")):
        return False
    if "continue" in sig and sig.first["continue"] <= 1 and sig.n_tokens <= 25:
        return True
    return sig.n_tokens <= 4 and not any(k in sig.initial for k in ("code", "lookup", "explain"))


def _session_tier(context: Optional[Context]) -> Optional[str]:
    if context is None:
        return None
    if context.current_tier in TIERS:
        return context.current_tier
    for t in reversed(context.recent):
        if t in TIERS:
            return t
    return None


def classify(prompt: object, context: Optional[Context] = None, rules: Optional[RuleSet] = None,
             trace: Optional[dict] = None, learned: bool = True) -> Decision:
    """Route one prompt. Never raises on odd input: junk routes like an empty prompt.

    The rules decide first; then the learned layer (routing.router.learned)
    weighs their verdict with the prompt's words, unless the conversation
    decided (a complaint right after a fix, a pick after a plan); team rules
    from the config apply last. `trace`, when given, is filled with what the
    rules saw (the signals, the intent, the evidence for and against opus,
    their verdict): the learned layer's features. `learned=False` gives the
    rules' verdict alone."""
    rules = rules or default_rules()
    if isinstance(prompt, bytes):
        prompt = prompt.decode("utf-8", "replace")
    elif not isinstance(prompt, str):
        prompt = "" if prompt is None else str(prompt)
    question, paste = prompt_text.split(prompt)
    seen: dict = {} if trace is None else trace
    decision = _by_rules(rules, question, paste, context, seen)
    seen.update(tier=decision.tier, kind=decision.kind, confidence=decision.confidence)
    if learned and not seen.get("by_context") and question.strip():
        decision = _learned.weigh(decision, seen, question, paste, _session_tier(context))
    return _apply_user_rules(rules, question, decision)


def _by_rules(rules: RuleSet, question: str, paste: str, context: Optional[Context], trace: dict) -> Decision:
    session = _session_tier(context)
    if not question.strip():
        return Decision(session or "haiku", "continue" if session else "task", 0.3, ["empty prompt"], "none")

    sig = _find(rules, question)
    prev = context.prev_kind if context is not None else None
    trace.update(signals=sig.hits, initial=list(sig.initial), n_tokens=sig.n_tokens,
                 question=_is_question(question), paste=paste, session=session, prev=prev)
    # Complaints first: "sigue fallando" opens with a word that also means "go on".
    if _is_escalation(sig, question) and not ("continue" in sig and "dissatisfied" not in sig):
        base = session or "sonnet"
        tier = step_up(base)
        why = [rules.reasons[s] for s in ("dissatisfied", "deeper") if s in sig]
        why.append(f"one tier above the session's {base}" if session else "one tier above the default sonnet")
        return Decision(tier, "escalate", 0.8, why, "escalate")
    if prev and _complains_after(prev, sig, question):
        base = session or "sonnet"
        why = [rules.reasons["persists"] if "persists" in sig else
               rules.reasons["corrects"] if "corrects" in sig and "dissatisfied" not in sig else
               rules.reasons["not_taken"] if "not_taken" in sig and "dissatisfied" not in sig else rules.reasons["dissatisfied"],
               f"right after the assistant's {prev}"]
        why.append(f"one tier above the session's {base}" if session else "one tier above the default sonnet")
        trace["by_context"] = True
        return Decision(step_up(base), "escalate", 0.7, why, "escalate")
    if _is_continue(question, sig):
        tier = session or "sonnet"
        return Decision(tier, "continue", 0.85, [rules.reasons["continue"]], "continue")
    if prev in ("plan", "question") and _answers_proposal(sig, question):
        trace["by_context"] = True
        return Decision(session or "sonnet", "continue", 0.7,
                        [f"a short answer to the assistant's {prev}: go on with it"], "continue")

    return _task(rules, question, paste, sig, trace)


_QUESTION_WORDS = frozenset(
    "is are does do did can could should has have was were will what which where who when how "
    "qué cuál dónde cómo wie was wo welche warum quel quelle où comment onde qual como".split()
)


def _is_question(question: str) -> bool:
    q = question.strip()
    if q.endswith(("?", "？")) or len(q) < 200 and ("? " in q or "？" in q):
        return True
    first = q.split(None, 1)[0].lower() if q else ""
    return first in _QUESTION_WORDS


def _describes_symptom(sig: _Signals) -> bool:
    return any(s in sig for s in ("nondeterministic", "concurrency_bug", "memory", "system_performance", "data_loss"))


def _primary_intent(sig: _Signals) -> str:
    if sig.initial:
        return min(sig.initial, key=lambda k: (sig.initial[k], INTENTS.index(k)))
    present = [k for k in INTENTS if k in sig]
    return min(present, key=lambda k: sig.first[k]) if present else ""


def _task(rules: RuleSet, question: str, paste: str, sig: _Signals, trace: dict) -> Decision:
    reasons: list[str] = []
    intent = _primary_intent(sig)
    read_only = "read_only" in sig
    wants_cause = "diagnose" in sig
    hard = [h for h in HARD if h in sig]

    # "find the race condition", "we get a deadlock ... what's going on": a
    # bug of a hard kind makes the ask a hunt, unless it is only being read
    # about ("explain the race-condition comment").
    # A question about pasted output ("which pod is getting OOMKilled?") reads it.
    only_subject = intent in ("lookup", "explain") and "hard_topic_as_subject" in sig or intent == "lookup" and bool(paste)
    # An explanation asked about a bug-flavoured tool or term ("explain this
    # asan flag") stays an explanation unless something is actually wrong.
    if intent == "explain" and "problem" not in sig and not wants_cause and ("concurrency_bug" not in sig or "concept" in sig):
        only_subject = True
    if any(b in sig for b in BUGS) and not read_only and not only_subject and intent != "design":
        if intent not in ("code", "diagnose"):
            intent = "diagnose"
        wants_cause = True

    # "why is this doing a seq scan? just explain": asking why, to understand.
    if intent == "diagnose" and read_only:
        intent = "explain"
        wants_cause = False
    # "foldl vs foldl', why does everyone avoid foldl": a "why" about a
    # concept, with nothing going wrong, asks for an explanation.
    if intent == "diagnose" and "concept" in sig and "problem" not in sig and not _describes_symptom(sig):
        intent = "explain"
        wants_cause = False

    # "e2e fails ~1 in 20 in CI": a problem that comes and goes asks for its
    # cause whether or not the words "why" or "debug" appear.
    if "nondeterministic" in sig and ("problem" in sig or hard) and not read_only and not only_subject:
        wants_cause = True
        if intent in ("lookup", "explain", ""):
            intent = "diagnose"

    # Base tier from what the ask does.
    if intent in ("lookup", "explain"):
        base = "haiku"
        reasons.append(rules.reasons[intent])
        # "explain ... and fix it": any clause that commands a change is coding.
        if "code" in sig.initial and not read_only:
            base = "sonnet"
            reasons.append(rules.reasons["code"])
        elif wants_cause and "diagnose" in sig.initial and not read_only and ("problem" in sig or _describes_symptom(sig)):
            # "why does X fail" is debugging; "why is money stored in cents" is not.
            base = "sonnet"
            reasons.append(rules.reasons["diagnose"])
    elif intent == "design":
        base = "sonnet"
        reasons.append(rules.reasons["design"])
    elif intent in ("code", "diagnose", "review", "verify"):
        base = "sonnet"
        reasons.append(rules.reasons[intent])
    elif (
        not sig.initial
        and (_is_question(question) or "concept" in sig)
        and "code" not in sig
        and "problem" not in sig
        and "design" not in sig
        and "tradeoff" not in sig
        and not [h for h in hard if h != "concurrency"]  # "Mutex vs RwLock?" is a concept question
        and sig.n_tokens <= 24
    ):
        # "is lodash still used anywhere?": a question with no ask to change code.
        base = "haiku"
        reasons.append("a question about the code, with no ask to change it")
    else:
        # No intent word at all: a short question is most likely a lookup.
        short_q = _is_question(question) and sig.n_tokens <= 16 and not hard
        base = "haiku" if short_q else "sonnet"
        reasons.append("short question with no coding ask" if short_q else "no clear signal: default to everyday coding")

    # Evidence that the task needs deep reasoning.
    evidence = 0.0
    for h in hard:
        # Several distinct phrases of one topic are stronger than one.
        evidence += HARD_WEIGHT[h] + min(0.5, 0.25 * (sig.hits.get(h, 1) - 1))
        reasons.append(rules.reasons[h])
    if len(hard) > 1:
        evidence += 0.3 * (len(hard) - 1)
    if intent == "design":
        evidence += 1.0 if "design" in sig.initial else 0.6
    elif "design" in sig:
        evidence += 0.4
    if intent in ("", "diagnose") and "concurrency" in sig and ("problem" in sig or "nondeterministic" in sig):
        evidence += 0.6  # a concurrency symptom: wrong totals, hangs under threads
    if "tradeoff" in sig and "keep_simple" not in sig:
        # "is it worth moving our queues to Kafka?", "pros y contras de A y B": the
        # labeling guide's trade-off decision, one line or not. Weighing a system's
        # parts (a hard topic, a design, a migration, named technologies) is one;
        # "a for loop or map here?" alone is not.
        system = hard or any(s in sig for s in ("design", "migration", "broad_scope", "versus"))
        evidence += TRADEOFF_WEIGHT + (TRADEOFF_SYSTEM if system else 0.0)
        reasons.append(rules.reasons["tradeoff"])
    if sig.hits.get("versus", 0) >= 2 and (hard or "design" in sig):
        evidence += 0.8  # "A vs B vs C" under constraints: a technology decision
        reasons.append("compares options under constraints")
    if "broad_scope" in sig:
        evidence += 1.0 + min(0.5, 0.25 * (sig.hits.get("broad_scope", 1) - 1))
        reasons.append(rules.reasons["broad_scope"])
        if "migration" in sig:
            evidence += 0.6
            reasons.append("a cross-cutting migration")
    if "nondeterministic" in sig and (wants_cause or hard or intent in ("", "code")):
        # A symptom that comes and goes is a heisenbug hunt, asked for or not.
        evidence += 1.5 if wants_cause or intent == "" else 0.6
        reasons.append(rules.reasons["nondeterministic"])
    if (wants_cause or intent in ("verify", "review")) and (hard or "broad_scope" in sig):
        evidence += 0.4
    if "security" in sig and _is_question(question) and not read_only:
        # "is this endpoint vulnerable?" asks for a security judgement,
        # however small the code it is about.
        evidence += 0.9

    # Evidence that it does not.
    damp = 0.0
    if "small_scope" in sig:
        damp += 0.7
    if read_only:
        damp += 1.5
    if intent in ("lookup", "explain") and not wants_cause:
        # A question about a system with several hard facets is reasoning,
        # whatever verb it opens with.
        damp += 1.2 if len(hard) < 2 and "design" not in sig and "tradeoff" not in sig else 0.4
        if "hard_topic_as_subject" in sig or only_subject and "concept" in sig:
            damp += 1.0
    if ("clear_error" in sig or paste == "trace") and "nondeterministic" not in sig:
        # An assertion with expected/got pins a bug down even in hard code.
        damp += 0.6 if not hard or sig.hits.get("clear_error", 0) >= 2 else 0.3
    if intent == "code":
        damp += 0.5
    if "keep_simple" in sig:
        damp += 1.2
    if damp and evidence:
        held = [s for s in ("read_only", "small_scope", "hard_topic_as_subject", "clear_error") if s in sig]
        reasons.extend(f"held down: {rules.reasons[s]}" for s in held)

    score = evidence - damp
    trace.update(intent=intent, base=base, evidence=round(evidence, 3), damp=round(damp, 3),
                 wants_cause=wants_cause, only_subject=only_subject)
    if score >= OPUS_AT:
        tier = "opus"
        confidence = min(0.95, 0.6 + 0.1 * (score - OPUS_AT))
    elif intent == "design" and score >= OPUS_AT - 0.6:
        tier = "opus"
        confidence = 0.55
    else:
        tier = base
        # Close calls toward opus lower our confidence in the cheaper tier.
        near = max(0.0, score) / OPUS_AT
        strong_base = intent in sig.initial
        confidence = (0.8 if strong_base else 0.6) - 0.25 * near
        if tier == "haiku" and ("code" in sig or "diagnose" in sig):
            confidence -= 0.1
    if paste:
        reasons.append(f"pasted {paste} set aside; routed on the question")
    reasons.extend(_why_not(tier, base, score))
    return Decision(tier, "task", confidence, reasons, intent or "task")


def _why_not(tier: str, base: str, score: float) -> list[str]:
    """Say why the other tiers lost, so `route explain` shows the whole choice, in words
    (the score and its threshold mean nothing to a user)."""
    if tier == "opus":
        return [f"not {base}: the signs of reasoning across a system outweigh what holds it down"]
    if score <= 0:
        out = ["not opus: no sign of reasoning across a system or of an unknown cause"]
    else:
        out = ["not opus: some signs of deep reasoning, too few for opus"]
    if tier == "sonnet":
        out.append("not haiku: the ask is more than a lookup or an explanation")
    else:
        out.append("not sonnet: nothing to write or change")
    return out


def _apply_user_rules(rules: RuleSet, question: str, decision: Decision) -> Decision:
    if not rules.user_rules:
        return decision
    low = question.lower()
    toks = words(low)
    grams = {tuple(toks[i : i + n]) for n in range(1, 5) for i in range(len(toks) - n + 1)}
    for rule in rules.user_rules:
        hit = (
            any(p in grams for p in rule.phrases)
            or any(s in low for s in rule.substrings)
            or any(r.search(question) for r in rule.regexes)
        )
        if not hit:
            continue
        current = rank(decision.tier)
        want = rank(rule.tier)
        if rule.mode == "floor" and current >= want or rule.mode == "ceiling" and current <= want:
            continue
        decision.tier = rule.tier
        decision.reasons.append(rule.reason)
        decision.confidence = max(decision.confidence, 0.9)
    return decision
