"""The customer promise's checks (advice 6), pure: length, the three parts, buzzwords, jargon, and
whether it speaks to the needs and pains of the chosen segments; plus the word diff of two versions.
No Streamlit and no database: text and lists in, checks out."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

WORD_CEILING = 35
CHAR_CEILING = 220
SENTENCE_CEILING = 2
TOP_NEEDS = 6
NEEDS_TO_TOUCH = 2
TERM_MAX = 60  # a buzzword or jargon term is a word or a short phrase (clean_term, the promise_term column)

PART_NAMES = {
    "delivers": "what we deliver",
    "value": "how it creates value",
    "perceived": "how we want to be perceived",
}

# Words every company uses, which say nothing about what this one delivers. A trailing * matches
# any ending (innovativ* finds innovative, innovativt, innovativa).
DEFAULT_BUZZWORDS = (
    # English
    "world-class",
    "world class",
    "best-in-class",
    "market-leading",
    "leading",
    "innovative",
    "cutting-edge",
    "state-of-the-art",
    "next-generation",
    "synergy",
    "synergies",
    "holistic",
    "seamless",
    "unique",
    "excellence",
    "solutions",
    "best",
    "the best",
    "optimal",
    "value-added",
    "customer-centric",
    "passionate",
    "unparalleled",
    "premier",
    "number one",
    # Norwegian
    "verdensklasse",
    "markedsledende",
    "ledende",
    "innovativ*",
    "helhetlig*",
    "unik",
    "unike",
    "fremtidsrettet*",
    "løsninger",
    "beste",
    "sømløs*",
    "kundefokusert",
    "kundesentrert",
    "engasjert",
    "i særklasse",
    # Danish
    "markedsførende",
    "førende",
    "helhedsorienteret",
    "fremtidssikret",
    "bedste",
    "kundefokuseret",
    "i verdensklasse",
    # Swedish
    "världsklass",
    "marknadsledande",
    "ledande",
    "helhetslösning*",
    "unika",
    "framtidssäkra*",
    "lösningar",
    "bäst",
    "bästa",
    "sömlös*",
    "kundfokuserad",
    "i världsklass",
)
DEFAULT_JARGON = (
    "CRM",
    "KPI",
    "SLA",
    "ERP",
    "B2B",
    "NPS",
    "omnichannel",
    "omnikanal*",
    "touchpoint*",
    "onboarding",
    "upsell*",
    "cross-sell*",
    "mersalg",
    "merförsäljning",
    "pipeline",
    "leads",
    "konvertering*",
    "customer journey",
    "kundereise",
    "kunderejse",
    "kundresa",
)

_STOPWORDS = frozenset(
    """
a an and are as at be been but by can do does for from get gets had has have he her him his how i if in into is it
its just more most much no not of on one only or our out over own per she so some such than that the their them then
there these they this those to too up very was we were what when where which while who whom why will with without
would you your yours all any also both each few other same again about after before between during under until
want wants wanted need needs needed ask asks asked say says said like make makes made take takes know knows
customer customers often always never every already still two three four five first second last new way day
use any few lot see let put set top yes per via etc week weeks day days hour hours minute minutes month months
year years time times uke uker dag dager døgn time timer minutter måned måneder år gang ganger uge uger dage
timer vecka veckor dagar timme timmar månad månader
og i jeg det at en et den til er som på de med han av ikke der så var meg seg men ett har om vi min mitt ha
hadde hun nå over da ved fra du ut sin dem oss opp man kan hans hvor eller hva skal selv sjøl her alle vil bli
ble blitt kunne inn når være kom noen noe ville dere deres kun ja etter ned skulle denne for deg si sine sitt mot
å meget hvorfor dette disse uten hvordan ingen din ditt blir samme hvilken hvilke sånn inni mellom vår våre hver
hvem vors hvis både bare enn fordi før mange også slik vært båe begge siden hennes hoss hennar mye mer må får
gir vill kunde kunder trenger ønsker vil vår vårt våre
af alt andre bliver deg dig dog efter eller end enkelte fordi hende hendes hvad hvem hvis hvor hvordan ikke ind jer
jeres kan kunne mange meget mig mod min mine mit nogen noget nogle når og også om op os over på sig sin sine sit
skal skulle som sådan thi til ud under var vi vil ville vor vores være været
och att det som en på är av för med till den har de inte om ett han men var jag sig från vi så kan man när år
säger hon under också efter eller nu sin där vid mot ska skulle kommer ut får finns vara hade alla andra mycket
än här då sedan över bara in blir upp även vad få två vill ha många hur mer går sina måste genom dessa utan vilka
oss vår våra vårt mitt dig din ditt sitt deras kund kunder behöver vill
""".split()
)
_SUFFIXES = (
    "ingene",
    "ingen",
    "ings",
    "ene",
    "ane",
    "erne",
    "arna",
    "orna",
    "ies",
    "ing",
    "ed",
    "es",
    "er",
    "en",
    "et",
    "ar",
    "or",
    "s",
    "e",
    "a",
)
_WORD = re.compile(r"[^\W\d_](?:[\w'’-]*[^\W_])?", re.UNICODE)
_SENTENCE_END = re.compile(r"[.!?…]+(?:\s+|$)")


def normalise(text: str) -> str:
    return unicodedata.normalize("NFC", text or "").strip()


def words(text: str) -> list[str]:
    return _WORD.findall(normalise(text))


def sentence_count(text: str) -> int:
    """Sentences with at least one word; an end mark counts only before a space or the end, so
    '1.4 bn' stays one sentence."""
    return sum(1 for part in _SENTENCE_END.split(normalise(text)) if words(part))


def stem(word: str) -> str:
    """A light stem for English and the Scandinavian languages: enough to match 'deliveries' with
    'delivery' or 'leveransen' with 'leveranse', not a linguist's stemmer."""
    word = word.lower().replace("’", "'").split("'")[0]
    for suffix in _SUFFIXES:
        # A plain plural s may leave three letters (jobs -> job); longer endings need a longer word.
        if word.endswith(suffix) and len(word) - len(suffix) >= (3 if suffix == "s" else 4):
            return word[: -len(suffix)]
    return word


def stems_match(a: str, b: str) -> bool:
    """Same stem, or one the start of the other (compounds: 'leveringstid' starts with 'levering')."""
    if a == b:
        return True
    short, long_ = sorted((a, b), key=len)
    return len(short) >= 5 and long_.startswith(short)


def content_stems(text: str) -> list[tuple[str, str]]:
    """(stem, word as written) for the words that carry meaning: no stop words, at least 3 letters."""
    found = []
    for word in words(text):
        word = re.split(r"['’]", word)[0]  # Kjetil's -> Kjetil; back-orders stays one word
        if len(word) >= 3 and word.lower() not in _STOPWORDS:
            found.append((stem(word), word.lower()))
    return found


# --- terms (buzzwords and jargon) -------------------------------------------------------------


def clean_term(value: object) -> str:
    """One term of a word list: a word or a short phrase, optionally ending in *."""
    text = re.sub(r"\s+", " ", normalise(str(value or "")))
    if not text:
        raise ValueError("A term cannot be empty.")
    if len(text) > TERM_MAX:
        raise ValueError(
            f"'{text[:30]}…' is {len(text)} characters; a term is a word or a short phrase ({TERM_MAX} at most)."
        )
    if "*" in text[:-1]:
        raise ValueError(f"'{text}': a * may only stand at the end of a term, to match any ending.")
    if not any(ch.isalnum() for ch in text):
        raise ValueError(f"'{text}' has no letters.")
    return text


def _term_pattern(term: str) -> re.Pattern:
    wildcard = term.endswith("*")
    body = re.escape(term.rstrip("*")).replace(r"\ ", r"\s+")
    tail = r"[\w-]*" if wildcard else ""
    return re.compile(rf"(?<![\w-]){body}{tail}(?![\w-])", re.IGNORECASE | re.UNICODE)


def find_terms(text: str, terms: list[str] | tuple[str, ...]) -> list[str]:
    """The terms' occurrences in `text`, as written there, each once, in the order they appear.
    A longer term wins over a shorter one inside it ('the best' over 'best')."""
    text = normalise(text)
    spans: list[tuple[int, int]] = []
    for term in sorted(terms, key=len, reverse=True):
        for match in _term_pattern(term).finditer(text):
            if not any(match.start() < end and start < match.end() for start, end in spans):
                spans.append((match.start(), match.end()))
    seen, found = set(), []
    for start, end in sorted(spans):
        written = text[start:end]
        if written.lower() not in seen:
            seen.add(written.lower())
            found.append(written)
    return found


# --- needs and pains ------------------------------------------------------------------------


@dataclass(frozen=True)
class NeedSource:
    """One need or pain the customers have, as the analysis recorded it."""

    kind: str  # "need" or "pain"
    text: str
    source: str  # the persona's name, or "Insight 2026-03-04"


@dataclass(frozen=True)
class NeedTerm:
    """A word that comes back across the needs and pains, with where it was said."""

    stem: str
    word: str  # as customers wrote it most often
    count: int  # in how many needs and pains it comes back
    examples: tuple[NeedSource, ...]


def split_items(text: str) -> list[str]:
    """A persona's needs or pains as separate items (one per line, sentence or semicolon)."""
    parts = re.split(r"[;\n]|(?<=[.!?])\s+", normalise(text))
    return [p.strip(" .;-•*") for p in parts if p.strip(" .;-•*")]


class _Stems:
    """Stems that match by `stems_match`, found without a scan: exactly, or among those that share
    the first five letters (a prefix match needs five letters, so nothing else can match)."""

    def __init__(self) -> None:
        self.exact: dict[str, str] = {}
        self.by_start: dict[str, list[str]] = {}

    def add(self, stem_: str) -> None:
        if stem_ not in self.exact:
            self.exact[stem_] = stem_
            if len(stem_) >= 5:
                self.by_start.setdefault(stem_[:5], []).append(stem_)

    def find(self, stem_: str) -> str | None:
        if stem_ in self.exact:
            return stem_
        if len(stem_) >= 5:
            return next((k for k in self.by_start.get(stem_[:5], ()) if stems_match(k, stem_)), None)
        return None


def top_needs(sources: list[NeedSource], limit: int = TOP_NEEDS, ignore: str = "") -> list[NeedTerm]:
    """The words that come back most across the needs and pains (ties: the first said first).
    Words of `ignore` (the segments' and personas' names: who they are, not what they need) do not count."""
    ignored, keys = _Stems(), _Stems()
    for ignored_stem, _ in content_stems(ignore):
        ignored.add(ignored_stem)
    counts: Counter[str] = Counter()
    written: dict[str, Counter[str]] = {}
    examples: dict[str, list[NeedSource]] = {}
    order: dict[str, int] = {}
    for source in sources:
        seen: set[str] = set()
        for item_stem, word in content_stems(source.text):
            if ignored.find(item_stem) is not None:
                continue
            key = keys.find(item_stem)
            if key is None:
                key = item_stem
                keys.add(key)
                order[key] = len(order)
            written.setdefault(key, Counter())[word] += 1
            if key in seen:
                continue
            seen.add(key)
            counts[key] += 1
            examples.setdefault(key, []).append(source)
    ranked = sorted(counts, key=lambda k: (-counts[k], order[k]))[:limit]
    return [NeedTerm(k, written[k].most_common(1)[0][0], counts[k], tuple(examples[k][:3])) for k in ranked]


def touched(text: str, needs: list[NeedTerm]) -> tuple[list[NeedTerm], list[NeedTerm]]:
    """(the needs the text speaks to, the needs it misses)."""
    stems = [s for s, _ in content_stems(text)]
    hit = [n for n in needs if any(stems_match(n.stem, s) for s in stems)]
    return hit, [n for n in needs if n not in hit]


# --- the checks ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PromiseDraft:
    delivers: str = ""
    value: str = ""
    perceived: str = ""
    text: str = ""


@dataclass(frozen=True)
class PromiseCheck:
    key: str
    title: str
    status: str  # "pass", "warn" or "info" (nothing to check against yet)
    message: str  # one sentence that explains the check and its result
    found: list[str] = field(default_factory=list)  # what it found (buzzwords, needs touched)
    missing: list[str] = field(default_factory=list)  # what is missing (parts, needs missed)

    @property
    def passed(self) -> bool:
        return self.status == "pass"


def _quoted(items: list[str]) -> str:
    return ", ".join(f"'{i}'" for i in items)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'s' if n != 1 else ''}"


def length_check(text: str) -> PromiseCheck:
    n_words, n_chars, n_sentences = len(words(text)), len(normalise(text)), sentence_count(text)
    figures = f"{_count(n_words, 'word')}, {_count(n_chars, 'character')}, {_count(n_sentences, 'sentence')}"
    if not n_chars:
        return PromiseCheck(
            "length",
            "Short enough to remember",
            "warn",
            "Write the promise itself: one or two sentences that everyone can repeat.",
        )
    over = [
        _count(n - ceiling, noun)
        for n, ceiling, noun in (
            (n_words, WORD_CEILING, "word"),
            (n_chars, CHAR_CEILING, "character"),
            (n_sentences, SENTENCE_CEILING, "sentence"),
        )
        if n > ceiling
    ]
    if over:
        return PromiseCheck(
            "length",
            "Short enough to remember",
            "warn",
            f"{figures}: {' and '.join(over)} over the ceiling of {WORD_CEILING} words, "
            f"{CHAR_CEILING} characters and {SENTENCE_CEILING} sentences. A promise people can "
            "repeat from memory is short: cut what the customer would not miss.",
        )
    return PromiseCheck(
        "length",
        "Short enough to remember",
        "pass",
        f"{figures}: within {WORD_CEILING} words, {CHAR_CEILING} characters and "
        f"{SENTENCE_CEILING} sentences, short enough to repeat from memory.",
    )


def parts_check(draft: PromiseDraft) -> PromiseCheck:
    missing = [label for key, label in PART_NAMES.items() if not normalise(getattr(draft, key))]
    if missing:
        return PromiseCheck(
            "parts",
            "All three parts",
            "warn",
            f"Missing: {', '.join(missing)}. A promise says what we deliver, how that creates "
            "value for the customer, and how we want to be perceived; write each part beside the "
            "promise.",
            missing=missing,
        )
    return PromiseCheck(
        "parts",
        "All three parts",
        "pass",
        "What we deliver, how it creates value and how we want to be perceived are all written down.",
    )


def _terms_check(key: str, title: str, text: str, terms: list[str], noun: str, advice: str) -> PromiseCheck:
    if not normalise(text):
        return PromiseCheck(key, title, "info", "Nothing to check yet: write the promise.")
    found = find_terms(text, terms)
    if found:
        return PromiseCheck(key, title, "warn", f"Found {_quoted(found)}. {advice}", found=found)
    return PromiseCheck(key, title, "pass", f"None of the workspace's {len(terms)} {noun} are in the promise.")


def buzzword_check(text: str, buzzwords: list[str]) -> PromiseCheck:
    return _terms_check(
        "buzzwords",
        "No buzzwords or vague superlatives",
        text,
        buzzwords,
        "buzzwords and superlatives",
        "Every company says this, so it tells the customer nothing: say what they actually get instead.",
    )


def jargon_check(text: str, jargon: list[str]) -> PromiseCheck:
    return _terms_check(
        "jargon",
        "No internal jargon",
        text,
        jargon,
        "internal terms",
        "Customers do not speak our internal language: use the words they use.",
    )


def needs_check(text: str, needs: list[NeedTerm], scope: str) -> PromiseCheck:
    """`scope` names where the needs come from, e.g. "the personas and insights of Installers"."""
    title = "Speaks to the customers' top needs and pains"
    if needs and not normalise(text):
        return PromiseCheck(
            "needs",
            title,
            "info",
            f"Write the promise to see which of the needs and pains that come back most in {scope} it touches.",
            missing=[n.word for n in needs],
        )
    if not needs:
        return PromiseCheck(
            "needs",
            title,
            "info",
            f"Nothing to check against yet: {scope} record no needs or pains. Add personas and "
            "insights in the analysis step.",
        )
    hit, miss = touched(text, needs)
    summary = f"It touches {len(hit)} of the {len(needs)} needs and pains that come back most in {scope}"
    if len(hit) >= min(NEEDS_TO_TOUCH, len(needs)):
        return PromiseCheck(
            "needs", title, "pass", summary + ".", found=[n.word for n in hit], missing=[n.word for n in miss]
        )
    return PromiseCheck(
        "needs",
        title,
        "warn",
        f"{summary}; a promise that speaks to the customers touches at least {min(NEEDS_TO_TOUCH, len(needs))}.",
        found=[n.word for n in hit],
        missing=[n.word for n in miss],
    )


def check_promise(
    draft: PromiseDraft, *, buzzwords: list[str], jargon: list[str], needs: list[NeedTerm], scope: str
) -> list[PromiseCheck]:
    """Every check, in the order the composer shows them. The part fields are checked for
    buzzwords and jargon too only through the promise: it is the promise customers read."""
    return [
        length_check(draft.text),
        parts_check(draft),
        buzzword_check(draft.text, buzzwords),
        jargon_check(draft.text, jargon),
        needs_check(draft.text, needs, scope),
    ]


# --- comparing two versions -----------------------------------------------------------------


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """The words of both texts in order, each as ("same" | "removed" | "added", word); a changed
    word comes as the old one removed, then the new one added."""
    a, b = normalise(old).split(), normalise(new).split()
    result: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            result += [("same", w) for w in a[i1:i2]]
            continue
        result += [("removed", w) for w in a[i1:i2]]
        result += [("added", w) for w in b[j1:j2]]
    return result
