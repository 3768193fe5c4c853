"""Excerpt scoring: how quotable each sentence of a review is, and why.

A score in [0, 1] is a base plus one contribution per feature (evaluative language, mentions of
the film or its people, length, standing alone, questions, plot narration, logistics, quoting
someone else, spoiler cues). Each contribution is recorded as a reason such as
"+0.20 evaluative: masterful, touching", which `pullquote extract --explain` prints.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable
from functools import lru_cache

from bot.extract.noise import looks_like_headline, noise_reason
from bot.extract.patterns import word_alternation
from bot.extract.types import Context, Excerpt, FilmGuess, Quote, Sentence

MIN_WORDS = 8
MAX_WORDS = 35
# Longer sentences stay candidates with a penalty; beyond this they are no excerpt at all.
HARD_MAX_WORDS = 50
BASE = 0.40

_EVALUATIVE = frozenset(
    """
    absorbing accomplished acerbic admirable affecting ambitious amazing arresting assured
    astonishing astounding audacious awful awkward baffling beautiful beautifully bland bold
    boring breathtaking brilliant brilliantly captivating charming cheesy clever clumsy
    compelling confident convincing crude daring dazzling delicate delight delightful
    derivative disappointing disappointment dreadful dull effective elegant emotional
    empty engaging engrossing enjoyable entertaining evocative excellent exceptional
    exhilarating existential exquisite extraordinary fascinating flat flawed flawless forgettable
    fresh fun funny gorgeous gripping haunting heartbreaking heart-breaking heartfelt hilarious
    honest horrible humane imaginative impressive incoherent incredible ingenious inspired
    inspiring intelligent intense intimate intriguing inventive lacklustre lackluster lifeless
    lovely luminous lyrical magnificent marvellous marvelous masterful masterpiece mediocre
    melancholic melancholy memorable mesmerising mesmerizing messy moving muddled nuanced
    original overlong pedestrian perfect playful poignant pointless powerful predictable
    pretentious profound provocative quirky refreshing remarkable rewarding rich riveting
    satisfying scary sensitive sharp silly slick slight sloppy smart sophisticated spectacular
    stunning stylish subtle superb sweet tedious tender terrific thoughtful thought-provoking
    thrilling tiresome touching tragic triumph triumphant troubling unconvincing underwhelming
    unforgettable uneven unique unsettling uplifting vivid warm weak weird whimsical witty
    wonderful wondrous worst best finest greatest strongest weakest unfair masterly wit
    charm charmless tension suspenseful gimmick gimmicky risky odd strange sincere sentimental
    mawkish overwrought visceral harrowing chilling creepy atmospheric cinematic stunningly
    deftly superbly wonderfully painfully gloriously exquisitely
    """.split()  # noqa: SIM905 (word lists read better as text)
)
# Phrase patterns run on lower-cased text and open with literal letters (see patterns.py).
_EVAL_PHRASES = re.compile(
    word_alternation(
        [
            r"one of the (?:best|worst|finest|greatest|most \w+)",
            "tour de force",
            "must[- ]see",
            "a (?:triumph|delight|mess|joy|letdown|misfire)",
            "falls flat",
            "works (?:well|beautifully)",
            "at (?:its|his|her|their) best",
            "to (?:its|his|her|their) best",
            "comes? into (?:his|her|its|their) own",
            "care and effort",
            "pays off",
            "worth (?:seeing|watching|the)",
            "doesn't (?:work|land|convince)",
            "does not (?:work|land|convince)",
            "never (?:work|land|convince)",
            "in a good way",
        ]
    )
    + r"\b"
)
# Pronouns and demonstratives that point back at something the excerpt would not show.
_OPENERS_NEEDING_CONTEXT = re.compile(
    r"^[\"'“‘(]*(he|she|they|it|it's|its|this|that|these|those|his|her|their|him|them|"
    r"there|here|such|both|also|still|yet|so|then|but|and|or)\b['’]?s?",
    re.IGNORECASE,
)
# Cue words are looked up in the sentence's word set; only multi-word cues need a regex, run on
# the lower-cased text (case-insensitive alternations are several times slower).
_PLOT_WORDS = frozenset(
    """discovers discover meets escapes kidnapped kidnaps murders employs installed""".split()  # noqa: SIM905
)
_PLOT = re.compile(
    word_alternation(
        [
            "the (?:story|plot|film) (?:follows|centres|centers|begins|opens|tells)",
            "falls? (?:in love|for)",
            "tries to",
            "sets (?:out|about)",
            "must (?:come|find|choose|decide|face)",
            "finds (?:himself|herself|themselves)",
            "is forced to",
            "begins to",
            "decides to",
            "plans? to",
            "goes on to",
            "wakes up",
        ]
    )
    + r"\b"
)
_LOGISTIC_WORDS = frozenset(
    """grossed grossing theaters theatres cinemas screens dvd blu-ray bluray vhs streaming
    netflix premiered premiere distributed distributor metacritic cinemascore""".split()  # noqa: SIM905
)
_LOGISTIC_PHRASES = re.compile(
    r"box[- ]office|opening weekend|rotten tomatoes|(?:will be|was|is) released|"
    r"approval rating|average (?:rating|score)|[$£€] ?\d|\d%|"
    r"\d (?:million|billion|crore|lakh)\b|based on \d+ (?:critics|reviews)"
)
_MONTHS = frozenset(
    """january february march april may june july august september october november
    december""".split()  # noqa: SIM905
)
_SPOILER_WORDS = frozenset(
    """ending dies died killed kills twist reveals reveal revealed revelation climax spoiler
    spoilers""".split()  # noqa: SIM905
)
_SPOILER = re.compile(
    word_alternation(
        [
            "ends with",
            "death of",
            "turns out",
            "final (?:scene|act|shot|reel)",
            "the last (?:scene|shot)",
        ]
    )
    + r"\b"
)
# A phrase regex runs only when the sentence holds one of its trigger words: most sentences
# hold none, and a set intersection costs far less than a regex scan.
_EVAL_TRIGGERS = frozenset(
    """one tour must must-see triumph delight mess joy letdown misfire falls works best comes
    come care pays worth doesn't does never good""".split()  # noqa: SIM905
)
_PLOT_TRIGGERS = frozenset(
    """story plot film fall falls tries sets must finds forced begins decides plan plans goes
    wakes""".split()  # noqa: SIM905
)
_SPOILER_TRIGGERS = frozenset("ends death turns final last".split())  # noqa: SIM905
_LOGISTIC_TRIGGERS = frozenset(
    """box box-office opening rotten released approval average based million billion crore
    lakh""".split()  # noqa: SIM905
)
_WORD = re.compile(r"[^\W_][\w'’-]*")
# Single-word titles that are also everyday words: a sentence opening with one is not
# necessarily naming the film.
_COMMON_STARTS = frozenset({"her", "his", "it", "us", "them", "this", "that", "up", "home"})
_TITLE_VERBS = frozenset(
    """is isn't was wasn't will won't has hasn't had does doesn't did didn't may might can
    can't could would should sees makes feels looks works remains offers manages succeeds
    fails takes gives proves becomes never also opens ends follows tells shows""".split()  # noqa: SIM905 (word lists read better as text)
)


def _fmt(value: float, label: str, detail: Iterable[str] = ()) -> str:
    items = ", ".join(detail)
    return f"{value:+.2f} {label}" + (f": {items}" if items else "")


def _after_first(escaped: str, word: str) -> str:
    """`escaped` (a regex-escaped literal) with "not after a `word` character" checked after
    its first character: a pattern that opens with a literal lets the engine skip ahead to
    candidates, one that opens with a look-behind tries every position."""
    n = 2 if escaped.startswith("\\") else 1
    first, rest = escaped[:n], escaped[n:]
    return f"{first}(?<!{word}{first}){rest}"


def _names_pattern(film: FilmGuess, ctx: Context) -> re.Pattern[str] | None:
    """One regex for the film's people and their surnames, built once per article."""
    return _people_pattern((film.director, *film.cast))


# Compiling costs more than scoring a short article's sentences: a film's patterns are kept.
@lru_cache(maxsize=1024)
def _people_pattern(names: tuple[str | None, ...]) -> re.Pattern[str] | None:
    people: set[str] = set()
    for name in names:
        if not name:
            continue
        parts = name.split()
        people.add(re.escape(name))
        if len(parts[-1]) >= 3:
            people.add(re.escape(parts[-1]))
    alts = sorted(people, key=len, reverse=True)
    if not alts:
        return None
    return re.compile(r"(" + "|".join(_after_first(a, r"\w") for a in alts) + r")(?![\w])")


@lru_cache(maxsize=1024)
def _title_pattern(title: str | None) -> re.Pattern[str] | None:
    if not title or not title.strip():
        return None
    forms = {title.strip()}
    bare = re.sub(r"^(the|a|an)\s+", "", title.strip(), flags=re.IGNORECASE)
    if len(bare.split()) >= 2:
        forms.add(bare)
    alts = "|".join(
        _after_first(re.escape(f), r"[^\W_]") for f in sorted(forms, key=len, reverse=True)
    )
    return re.compile(r"(" + alts + r")(?![^\W_])")


def _mentions_title(text: str, pattern: re.Pattern[str] | None, title: str | None) -> bool:
    if pattern is None or title is None:
        return False
    common = title.strip().lower() in _COMMON_STARTS
    for m in pattern.finditer(text):
        if common and not text[: m.start()].strip(" \"'“‘_*("):
            # "Her will be released" names the film; "Her cracked voice" does not.
            nxt = _WORD.match(text, m.end() + 1)
            if nxt is None or nxt.group(0).lower() not in _TITLE_VERBS:
                continue
        return True
    return False


def _quoted_share(sentence: Sentence, quotes: list[Quote]) -> tuple[bool, int]:
    """Whether the sentence quotes a critic, and how many characters of it are quoted."""
    critic = False
    quoted = 0
    for q in quotes:
        if q.end <= sentence.start or q.start >= sentence.end:
            continue
        quoted += min(q.end, sentence.end) - max(q.start, sentence.start)
        critic = critic or q.kind == "critic"
    return critic, quoted


def _logistics_cue(lower: str, tokens: list[str], token_set: set[str]) -> str | None:
    hit = _LOGISTIC_WORDS & token_set
    if hit:
        return min(hit)
    if not _LOGISTIC_TRIGGERS.isdisjoint(token_set) or any(c in lower for c in "$£€%"):
        m = _LOGISTIC_PHRASES.search(lower)
        if m:
            return m.group(0)
    if _MONTHS & token_set:
        for i, w in enumerate(tokens):
            if w in _MONTHS:
                near = tokens[i - 1 : i] + tokens[i + 1 : i + 2]
                if any(t[:1].isdigit() for t in near):
                    return " ".join(tokens[max(i - 1, 0) : i + 2])
    return None


def _cue(
    words: frozenset[str],
    triggers: frozenset[str],
    phrases: re.Pattern[str],
    lower: str,
    token_set: set[str],
) -> str | None:
    hit = words & token_set
    if hit:
        return min(hit)
    if triggers.isdisjoint(token_set):
        return None
    m = phrases.search(lower)
    return m.group(0) if m else None


def score_sentence(
    sentence: Sentence,
    quotes: list[Quote],
    title: str | None,
    title_re: re.Pattern[str] | None,
    names_re: re.Pattern[str] | None,
    *,
    line_is_noise: bool | None = None,
) -> Excerpt | None:
    """Score one sentence, or None when it is no candidate (noise, too short, too long).

    `line_is_noise` passes in the verdict on the sentence's line when the caller has it."""
    text = sentence.text
    if line_is_noise is None:
        line_is_noise = noise_reason(sentence.line or text) is not None
    if line_is_noise:
        return None
    lower = text.lower()
    tokens = _WORD.findall(lower)
    n = len(tokens)
    if not MIN_WORDS <= n <= HARD_MAX_WORDS:
        return None
    if not sentence.line and looks_like_headline(text):
        # With a line, the line-level noise rules have judged it already.
        return None

    score = BASE
    reasons = [f"{BASE:.2f} base"]

    def add(value: float, label: str, detail: Iterable[str] = ()) -> None:
        nonlocal score
        score += value
        reasons.append(_fmt(value, label, detail))

    token_set = set(tokens)
    evaluative = _EVALUATIVE & token_set
    found = [w for w in dict.fromkeys(tokens) if w in evaluative] if evaluative else []
    if not _EVAL_TRIGGERS.isdisjoint(token_set):
        found += [m.group(0) for m in _EVAL_PHRASES.finditer(lower)]
    if found:
        add(min(0.12 * len(found), 0.30), "evaluative", found[:4])

    mentions: list[str] = []
    if _mentions_title(text, title_re, title):
        mentions.append("title")
    if names_re is not None:
        mentions += list(dict.fromkeys(m.group(1) for m in names_re.finditer(text)))
    if mentions:
        add(0.10 if len(mentions) == 1 else 0.15, "mentions", mentions)

    if n > MAX_WORDS:
        add(-min(0.02 * (n - MAX_WORDS), 0.20), "long", [f"{n} words"])
    elif 12 <= n <= 30:
        add(0.05, "length", [f"{n} words"])

    opener = _OPENERS_NEEDING_CONTEXT.match(text)
    if opener and not (title and "title" in mentions and text.startswith(title)):
        add(-0.15, "needs context", [opener.group(0).strip("\"'“‘(")])

    if text.rstrip("\"'”’)").endswith("?"):
        add(-0.30, "question")

    if not found:
        plot = _cue(_PLOT_WORDS, _PLOT_TRIGGERS, _PLOT, lower, token_set)
        if plot:
            add(-0.15, "plot narration", [plot])

    logistics = _logistics_cue(lower, tokens, token_set)
    if logistics:
        add(-0.30, "logistics", [logistics])

    quotes_critic, quoted = _quoted_share(sentence, quotes)
    if quotes_critic:
        add(-0.25, "quotes another critic")
    elif quoted > 0.5 * len(text):
        add(-0.15, "mostly quotation")

    spoiler = _cue(_SPOILER_WORDS, _SPOILER_TRIGGERS, _SPOILER, lower, token_set)
    if spoiler:
        add(-0.15, "spoiler cue", [spoiler])

    final = round(min(1.0, max(0.0, score)), 3)
    return Excerpt(
        text=text,
        start=sentence.start,
        end=sentence.end,
        score=final,
        spoiler=spoiler is not None,
        reasons=tuple(reasons),
    )


def score_excerpts(
    text: str, sentences: list[Sentence], quotes: list[Quote], film: FilmGuess, ctx: Context
) -> list[Excerpt]:
    """Every candidate sentence (not noise, 8-50 words) with its score, in text order.

    Consumers filter by score; low scorers are kept so `--explain` can show why they lost."""
    title = film.title or ctx.film
    title_re = _title_pattern(title)
    names_re = _names_pattern(film, ctx)
    # A paragraph's sentences share one line: judge each line once.
    noise: dict[str, bool] = {}
    # Each sentence is shown only the quotes that can overlap it (found by start offset).
    by_start = sorted(quotes, key=lambda q: q.start)
    starts = [q.start for q in by_start]
    longest = max((q.end - q.start for q in quotes), default=0)
    out: list[Excerpt] = []
    for s in sentences:
        line = s.line or s.text
        line_is_noise = noise.get(line)
        if line_is_noise is None:
            line_is_noise = noise[line] = noise_reason(line) is not None
        near = by_start[bisect_left(starts, s.start - longest) : bisect_left(starts, s.end)]
        excerpt = score_sentence(s, near, title, title_re, names_re, line_is_noise=line_is_noise)
        if excerpt is not None:
            out.append(excerpt)
    out.sort(key=lambda e: e.start)
    return out
