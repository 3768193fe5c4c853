"""Release events: dated releases of the film, per region, with their kind.

The text is re-scanned line by line (a line is a paragraph in every format we read) with a
small sentence splitter of its own, so a weaker sentence split upstream cannot merge or cut a
release sentence. In each sentence, date mentions are found with compiled regexes; each date
gets a window of text (the clause before it, and a short tail after it) from which its region,
its event kind and any reason to drop it (box office, announcements, trailers, original dates
that were later moved) are read. A date whose clause names no place takes one from its
context (`_Where`): "worldwide" is none; "there" is the last place named; "the country",
"domestic", "nationwide" the paragraph's country, else the film's (the lead's "a 2017 Indian
film"); then an earlier date of the sentence, the paragraph's frame ("In Japan, ..."), the
paragraph's country when it names only one, a frame opening an earlier paragraph of the
section. Year-less dates are resolved from their sentence, then the paragraph, then the
publication date (next occurrence), then the nearest earlier year in the text, then the lead's
year; "that year" and "the following year" count from the last year named. Each event records
where its country and year came from (`ReleaseEvent.why`). Everything is regex work: about a
millisecond for a 5 KB article, and at most MAX_DATES dates a text are read (issue 16).
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from bot.extract.patterns import lower_keep_offsets, word_alternation
from bot.extract.regions import Mention, find_regions
from bot.extract.spans import Spans, spans_of
from bot.extract.types import Context, Reason, ReleaseEvent, Sentence
from storage.records import EventKind

_MONTHS: dict[str, int] = {}
for _i, _names in enumerate(
    (
        ("January", "Jan"),
        ("February", "Feb"),
        ("March", "Mar"),
        ("April", "Apr"),
        ("May",),
        ("June", "Jun"),
        ("July", "Jul"),
        ("August", "Aug"),
        ("September", "Sept", "Sep"),
        ("October", "Oct"),
        ("November", "Nov"),
        ("December", "Dec"),
    ),
    start=1,
):
    for _n in _names:
        _MONTHS[_n.lower()] = _i

# Full names, or an abbreviation with its dot ("Dec."), or a bare abbreviation before a day.
_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?)"
)
_MONTH_FULL = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.)"
)
_DAY = r"(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:18[89]\d|19\d\d|20[0-3]\d)"
_JOIN = r"\s*(?:–|—|-|&|\band\b|\bto\b|\bor\b|,)\s*"

# Dates are found from their month word: one fast scan for month names, then short anchored
# patterns before ("10 January", "the 14th of February") and after ("January 10, 2014").
_MONTH_WORDS: dict[str, int] = {}
for _word, _num in _MONTHS.items():
    _MONTH_WORDS[_word.capitalize()] = _num
    if len(_word) <= 4 and _word != "may":
        _MONTH_WORDS[_word.capitalize() + "."] = _num

def _month_token() -> re.Pattern[str]:
    """Month names as whole words, grouped by initial ("J(?:anuary|une|...)"): a pattern that
    opens with literal letters lets the engine jump between capitals J, F, M... instead of
    trying every position, and only month names stop it (not every capitalised word)."""
    by_initial: dict[str, list[str]] = {}
    names = sorted((w for w in _MONTH_WORDS if not w.endswith(".")), key=len, reverse=True)
    for name in names:
        by_initial.setdefault(name[0], []).append(name[1:])
    branches = "|".join(
        rf"{c}(?<!\w{c})(?:{'|'.join(rests)})" for c, rests in sorted(by_initial.items())
    )
    return re.compile(rf"(?:{branches})\b\.?(?!-)")


_MONTH_TOKEN = _month_token()
_DAY_BEFORE = re.compile(
    rf"(?<![\w$£€.,])(?:the\s+)?(?P<d>{_DAY})(?:{_JOIN}(?P<d2>{_DAY}))?(?:\s+of)?\s+$"
)
_YEAR_AFTER = re.compile(rf",?\s+(?P<y>{_YEAR})(?!\d|,\d)")
_DAY_AFTER = re.compile(
    rf"\s+(?P<d>{_DAY})(?![\d:,.]\d)(?!\w)"
    rf"(?:{_JOIN}(?:(?P<m2>{_MONTH_FULL})\s+)?(?P<d2>{_DAY})(?![\d:]|\s*(?:million|%|per)))?"
    rf"(?:,?\s+(?P<y>{_YEAR})(?!\d|,\d))?"
)
_BARE_ABBREVIATIONS = frozenset(
    ("Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec")
)
_MONTH_ONLY_BEFORE = re.compile(
    r"(?:\b(?:in|during|early|late|mid|since|until|by|of)\s+(?:early\s+|late\s+|mid-?)?|mid-)$",
    re.I,
)

_IN_BEFORE_YEAR = re.compile(
    r"\b(?:[Ii]n|[Dd]uring|[Tt]hroughout)\s+(?:(?:early|late|mid|the\s+(?:summer|fall|autumn"
    r"|spring|winter|end)\s+of)[\s-]+)?$"
)
# The look-behind sits after the first digit so the regex engine can skip to a 1 or a 2.
_YEAR_TOKEN = re.compile(
    r"(?:1(?<![\d,$£.]1)(?:8[89]|9\d)|2(?<![\d,$£.]2)0[0-3])\d(?!\d|,\d|-\d|s\b|['’]s\b)"
)
_YEAR_MORE = re.compile(
    rf"(?:\s*,\s*(?:and\s+)?|\s+and\s+|\s*&\s*)(?:in\s+)?(?P<y>{_YEAR})(?![\ds]|,\d)"
)
_YEAR_ADJ = re.compile(
    rf"(?<![\d,])(?P<y>{_YEAR})\s+(?:(?:VHS|DVD|Blu-?ray|LaserDisc|laserdisc|limited|wide|theatrical"
    rf"|home[- ]video|US|U\.S\.|UK|domestic|Criterion|cinema|television|TV)\s+)*"
    rf"(?:re-?release|release|reissue|premiere|debut|broadcast)\b"
)
_YEAR_FEST = re.compile(
    rf"(?<![\d,])(?P<y>{_YEAR})\s+(?:edition\s+of\s+(?:the\s+)?)?(?:[A-Z0-9][\w'.&-]*\s+){{0,7}}?"
    rf"(?:Film\s+|Movie\s+)?(?:Festival|Fest|Filmfest|Biennale)\b"
    rf"|(?:Festival|Fest)\s+(?P<y2>{_YEAR})(?!\d|,\d)"
)

# _BAD_BEFORE_DATE, _THEATRICAL_DEBUT, _OTHER, _PROMO, _POSTPONE, _ORIGINAL, _NO_REGION and
# _NOT_RELEASE are lower case and run on lower-cased text (`lower_keep_offsets`): a
# case-insensitive scan costs several times as much.
_BAD_BEFORE_DATE = re.compile(
    r"(?:\b(?:as of|by|until|till|through|since|after|before|from|between|ending|ended|prior to"
    r"|following|as early as|born|died)\s+(?:the\s+)?(?:end\s+of\s+)?)$"
)
_BAD_BEFORE_YEAR = re.compile(
    r"\b(?:after|before|prior to|since|following|until|by|of)\s+(?:the\s+|its\s+|their\s+)?$", re.I
)

_HOME = re.compile(
    r"\b(?:DVDs?|Blu-?[Rr]ays?|VHS|Betamax|LaserDiscs?|[Ll]aser ?[Dd]iscs?|videocassettes?|"
    r"[Hh]ome (?:[Vv]ideo|[Mm]edia|[Ee]ntertainment|[Rr]elease)|Ultra HD|UHD|4K|HD DVD|CED|"
    r"[Vv]ideodiscs?|VCD|digibook|[Bb]ox set|[Ss]teelbook|Criterion Collection|[Dd]isc"
    r"|(?:[Ss]pecial|[Cc]ollector'?s|[Dd]eluxe|[Aa]nniversary(?: [A-Z]\w+)?|[Ll]imited|[Uu]ltimate)"
    r" [Ee]dition)\b"
)
_STREAM = re.compile(
    r"\b(?:Netflix|Amazon(?: Prime)?(?: Video)?|Prime Video|Hulu|iTunes|[Ss]treaming|[Ss]treamed"
    r"|[Ss]tream|[Dd]igital(?:ly)?(?! (?:restoration|remaster|transfer|projection|format))"
    r"|Digital HD|[Vv]ideo on [Dd]emand|VOD|[Oo]n [Dd]emand|DirecTV|Disney\+|HBO Max|Apple TV"
    r"|MUBI|[Oo]nline|[Dd]ownload|Flix Premiere|[Ss]hudder|[Vv]udu|Crackle|Tubi)\b"
)
_TV = re.compile(
    r"\b(?:television|(?<![\w&]\s)Television(?!\s+[A-Z])|[Tt]elecast|[Bb]roadcast|[Rr]ebroadcast"
    r"|[Aa]ired|[Aa]iring|TV|YTV|HBO"
    r"|BBC(?: One| Two| Four)?|ITV|Channel 4|Channel 5|TCM|Turner Classic Movies|Nickelodeon"
    r"|Showtime|Starz|Sky (?:Cinema|Movies|One)|Cinemax|[Cc]able|PBS|Syfy|Lifetime|Hallmark"
    r"|network|NBC|CBS|ABC)\b"
)
_PREMIERE = re.compile(
    r"\b(?:[Pp]remi[eè]re[sd]?|[Pp]remi[eè]ring|[Pp]remier|[Dd]ebut(?:ed|s)?"
    r"|[Oo]pening (?:night )?film"
    r"|opened the|open the|[Ww]orld [Pp]remiere)\b"
)
_THEATRICAL_DEBUT = re.compile(
    r"\b(?:theatrical|cinematic|cinema|nationwide|wide|commercial|general)\s+(?:debut|premiere|release)"
    r"|\bdebut(?:ed|s)? commercially"
)
_FESTIVAL = re.compile(
    r"\b(?:[Ff]estival|Fest|Filmfest|Film Market|Biennale|Sundance|SXSW|Tribeca|Telluride|TIFF"
    r"|Berlinale|Cannes|Venice|Sitges|Locarno|in competition|[Cc]ompet(?:e|ed|ing|ition))\b"
)
_THEATRICAL = re.compile(
    r"\b(?:[Rr]e-?released?|[Rr]eleas(?:e|ed|es|ing)|[Rr]e-?issued?|open(?:ed|s|ing)?"
    r"|Open(?:ed|s|ing)?(?!\s+[A-Z])"
    r"|theat(?:er|re)s?|theat(?:er|re)|cinemas?|screens|roadshow|went into|[Ll]imited"
    r"|[Ss]creen(?:ed|ing|s)?|[Ss]hown|[Ss]howing|[Pp]layed|hit the|[Ll]aunched|out in)\b"
)
_OTHER = re.compile(
    r"\b(?:late[- ]night|midnight|paid|sneak)\s+previews?\b"
    r"|\b(?:special|private|preview|press|test|advance|charity|gala|sneak|fan|invitation-only)"
    r"\s*-?\s*(?:screenings?|screens?|showings?|previews?)\b|\bpre-?screen(?:ing)?s?\b"
)
# Things released that are not the film; a date whose window names one is not an event.
_PROMO = re.compile(
    word_alternation(
        w.replace("_", " ")  # "_" joins the words of a phrase
        for w in """trailers? teasers? posters? soundtracks? albums? songs? singles? video_games?
        games? novelization novelisation comic_books? comics first_look featurettes? sneak_peeks?
        clips? footage stills merchandise toys? tie-ins? press_release press_conference report
        website scoreboard motion_poster audio_launch music_launch audio_release sequel prequel
        remake episodes? series advert(?:isement)?s? commercials tv_commercials? promos?""".split()  # noqa: SIM905
    )
    + r"\b"
)
# Verbs and nouns that, when nearer to the date than any release word, make it some other
# kind of date: an announcement, box-office figures, an award, a birthday, filming...
_NOT_RELEASE = re.compile(
    word_alternation(
        w.replace("_", " ")  # "_" joins the words of a phrase
        for w in r"""announced announces announcement revealed confirmed reported stated said noted
        acquired acquire picked_up purchased bought sold signed agreed submitted deadline
        rights filming filmed shooting principal_photography production wrapped born died
        death birthday passed_away killed grossed grossing gross earned earning collected
        collection collections admissions viewers weekend tickets? pre-?sales? record
        surpassed won wins award awards nominated nominations? ceremony honou?red banned ban
        withdrawn withdraw\w* walked_out police protests? cancell?ed rejected certificate
        interview interviewed wrote review(?:ed|s)? published coverage crossed reached topped
        declined dropped fell rose held hosted visited met marked celebrated launch(?:ed)?_the
        began begun started commenced completed finished cast hired joined attached greenlit
        approved produced passed classified certified""".split()  # noqa: SIM905
    )
    + r"\b"
)
_POSTPONE = re.compile(
    word_alternation(
        [
            "pushed (?:back|forward|up)",
            "moved (?:up|forward|back|ahead)",
            "brought forward",
            "postponed",
            "delayed",
            "rescheduled",
            "was moved",
            "later moved",
            "changed to",
            "shifted",
            "preponed",
        ]
    )
    + r"\b"
)
_ORIGINAL = re.compile(
    r"\b(?:(?:originally|initially|previously|first)\s+(?:been\s+)?(?:\w+\s+)?(?:scheduled|slated|set"
    r"|planned|due|intended|meant|announced|expected)|had been (?:scheduled|slated|set|planned|due)"
    r"|original release date|was (?:first )?(?:scheduled|slated|set|planned|due) to be released"
    # "was scheduled to premiere at X on February 14, but ...": a plan that changed
    r"|(?:was|were) (?:scheduled|slated|set|planned|due) to (?:premiere|open|debut|release)"
    r"(?=[^.;]*,\s*but\b)"
    r"|were to be|was to be|would have been|had planned|was planned|intended)\b"
)
_NO_REGION = re.compile(
    word_alternation(
        [
            "worldwide",
            "world-wide",
            "internationally",
            "international release",
            "globally",
            "overseas",
            "across the world",
            "around the world",
            "all over the world",
            "other countries",
            "several countries",
            "foreign territories",
            "territories",
        ]
    )
    + r"\b"
)
_RESPECTIVELY = re.compile(r"\brespectively\b")
# ";", "(", ")", a comma (not the one inside "1,387 theaters"), or a conjunction or a dash
# between spaces. The pattern opens with one character class so the regex engine can skip to
# candidates; the look-behinds then tell which kind of separator that first character opens.
_SEPARATOR = re.compile(
    r"[;(),\s](?:(?<=[;()])|(?<=,)(?:(?<!\d,)|(?!\d{3}(?!\d)))"
    r"|(?<=\s)(?:(?:and|but|while|whereas|before|after|followed by|then|where|which|when"
    r"|although|though|as well as|alongside|plus|however)\s|[–—]\s))"
)
# Written so that each character has one way to match: "(?:\s*(?:,|and)\s*)+" can split a
# run of spaces between its two "\s*" in every way, which takes exponential time on
# " , , , , x" (20 commas: minutes).
_GROUP_GAP = re.compile(r"\s*(?:(?:,|and|&|or|/|as well as)\s*)*$")
_DEMONYM_USE = re.compile(
    r"(?:\s+[\w-]+){0,3}?\s+(?:re-?release|release|premiere|premiere|debut|theatrical|cinemas"
    r"|theat(?:er|re)s|audiences|screens|distribution|DVD|Blu-?ray|VHS|television|TV|broadcast"
    r"|opening|run|market|version)\b"
)
_FRAME = re.compile(
    r"^(?:(?:However|Meanwhile|Elsewhere|Additionally|Also|Later|Subsequently),?\s+)?"
    r"(?:[Ii]n|[Aa]cross|[Tt]hroughout|[Ww]ithin|[Ff]or)\s+(?:the\s+)?"
)
_MEDIA_WORDS = (_HOME, _STREAM, _TV)

_ABBREVIATIONS = frozenset(
    (
        "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
        "mr", "mrs", "ms", "dr", "st", "jr", "sr", "vs", "no", "vol", "inc", "ltd", "co", "corp",
        "bros", "u.s", "u.k", "u.s.a", "mt", "ft", "prof", "gen", "col", "lt", "sgt", "capt",
        "rev", "op", "ed", "eds", "approx", "ca", "cf", "etc",
    )
)
_SENT_END = re.compile(r"[.!?][\"”’')\]]*\s+(?=[\"“(\[_]?[A-Z0-9])")


# Reading a date for a release event costs ~0.2 ms; a text with more dates than this is no
# review (a long one has a few dozen), and the dates after these are not read (issue 16).
MAX_DATES = 2000


class _Budget:
    """How many more dates one text may have read."""

    __slots__ = ("left",)

    def __init__(self, left: int) -> None:
        self.left = left

    def take(self, dates: list[_Date]) -> list[_Date]:
        """The dates the budget still covers, taken from it."""
        taken = dates[: max(self.left, 0)]
        self.left -= len(taken)
        return taken


@dataclass(slots=True)  # not frozen: a frozen __init__ costs several times more
class _Date:
    start: int
    end: int
    year: int | None
    month: int | None
    days: tuple[int | None, ...]
    year_only: bool = False


@dataclass(slots=True)
class _Event:
    year: int | None
    month: int | None
    day: int | None
    regions: tuple[str | None, ...]
    kind: EventKind
    start: int
    end: int
    explicit_year: bool
    # Why the region is what it is, and where the place that gave it is named (-1: nowhere).
    region_rule: str = ""
    region_at: int = -1
    year_rule: str = ""
    year_at: int = -1


@dataclass(slots=True)
class _Where:
    """What the text around a sentence says about place, for dates whose own clause names
    none: the article's country, a frame opening an earlier paragraph of the same section,
    and the paragraph's own frame, last country named outright and last place of any kind.
    Each comes with the offset where it is named (for `--explain`)."""

    film: tuple[str, ...] = ()
    film_at: int = -1
    section: tuple[str, ...] = ()
    section_at: int = -1
    frame: tuple[str, ...] = ()
    frame_at: int = -1
    country: tuple[str, ...] = ()
    country_at: int = -1
    place: tuple[str, ...] = ()
    place_at: int = -1
    last_region: tuple[str | None, ...] = ()
    last_kind: EventKind | None = None
    years: list[tuple[int, int]] = field(default_factory=list)  # the text's year anchors
    years_at: list[int] = field(default_factory=list)
    film_year: tuple[int, int] | None = None  # (year, where the lead names it, or -1)
    countries: set[tuple[str, ...]] = field(default_factory=set)  # named in this paragraph

    def named_country(self, codes: tuple[str, ...], at: int) -> None:
        """A release date of this paragraph named its country outright. A paragraph that
        names two countries is about neither: it lends none to a date that names none."""
        self.countries.add(codes)
        if len(self.countries) == 1:
            self.country, self.country_at = codes, at
        else:
            self.country, self.country_at = (), -1

    def year_before(self, pos: int) -> int | None:
        """The last year named before offset `pos` ("that year", "a year later")."""
        i = bisect_left(self.years_at, pos) - 1
        return self.years[i][1] if i >= 0 else None

    def new_paragraph(self) -> None:
        """Forget what only held for the previous paragraph."""
        if self.frame:
            self.section, self.section_at = self.frame, self.frame_at
        self.frame, self.frame_at = (), -1
        self.country, self.country_at = (), -1
        self.countries = set()
        self.place, self.place_at = (), -1
        self.last_region, self.last_kind = (), None

    def new_section(self) -> None:
        """A heading: nothing of the last section carries over."""
        self.new_paragraph()
        self.section, self.section_at = (), -1


# Both open with a literal "is" (the word boundary checked after it), so that the engine can
# skip ahead to candidates (see patterns.py).
_FILM_COUNTRY = re.compile(r"is(?<!\wis)\s+an?\s+(?:\d{4}\s+)?((?:[A-Z][\w.-]*[\s-]+){1,4})")


def _film_country(text: str) -> tuple[tuple[str, ...], int]:
    """The article's country from its lead ("is a 2017 Indian Kannada-language film"), when
    it names exactly one; with its offset."""
    m = _FILM_COUNTRY.search(text, 0, 1500)
    if m is None:
        return (), -1
    found = [x for x in find_regions(m.group(1)) if x.kind in ("country", "demonym")]
    codes = tuple(dict.fromkeys(x.code for x in found))
    if len(codes) != 1:
        return (), -1
    return codes, m.start(1) + found[0].start


def _is_heading(line: str) -> bool:
    """A short line without a sentence's closing punctuation ("Home media")."""
    if not line or len(line) > 60 or line[-1] in '.:!?,;"”':
        return False
    words = line.split()
    return 0 < len(words) <= 6 and line.rstrip()[-1:] not in '.:!?,;"”'


def find_releases(text: str, sentences: list[Sentence], ctx: Context) -> list[ReleaseEvent]:
    """Every dated release event in `text`, in order, with region (ISO alpha-2) and kind.

    `sentences` is accepted for the pipeline's sake; release sentences are re-split here so
    that abbreviations such as "Dec." and "U.S." never cut a date from its region. Date parts
    the text does not give are None; a year-less date takes its year from its sentence or
    paragraph, else its next occurrence after `ctx.published`, else the last year named
    before it in the text, else stays None."""
    del sentences
    dates = scan_dates(text)
    years = [m.start() for m in _YEAR_TOKEN.finditer(text)]
    anchors = _year_anchors(text, dates, years)
    budget = _Budget(MAX_DATES)
    where = _Where(years=anchors, years_at=[p for p, _ in anchors])
    # The lead's "is a 2017 film": the last resort for a date that no year near it completes
    # (the year of the context is not used: a review's own dates need not be the film's).
    lead = _LEAD_YEAR.search(text, 0, 1500)
    if lead is not None:
        where.film_year = (int(lead.group(1)), lead.start(1))
    where.film, where.film_at = _film_country(text)
    raw: list[_Event] = []
    pos = 0
    di = 0
    for line in text.split("\n"):
        start = pos
        pos += len(line) + 1
        while di < len(dates) and dates[di].start < start:
            di += 1
        dj = di
        while dj < len(dates) and dates[dj].start < pos:
            dj += 1
        stripped = line.strip()
        if _is_heading(stripped):
            where.new_section()
            continue
        if len(stripped) < 12 or stripped[0] in "|+":
            continue
        if dj == di and bisect_left(years, start) == bisect_left(years, pos) and (
            " year" not in line
        ):
            continue
        where.new_paragraph()
        raw.extend(_paragraph_events(start, line, dates[di:dj], anchors, ctx, budget, where))
    return _finish(raw)


def scan_dates(text: str) -> list[_Date]:
    """Every day/month/year date mention in `text` (not bare years), in order."""
    out: list[_Date] = []
    consumed = 0
    for m in _MONTH_TOKEN.finditer(text):
        ms, me = m.start(), m.end()
        if ms < consumed:
            continue
        word = m.group(0)
        if word not in _MONTH_WORDS:
            word = word.rstrip(".")
            if word not in _MONTH_WORDS:
                continue
            me -= 1
        bare_abbrev = word in _BARE_ABBREVIATIONS
        month = _MONTH_WORDS[word]
        back = None if bare_abbrev else _DAY_BEFORE.search(text, max(0, ms - 24), ms)
        if back is not None:
            y = _YEAR_AFTER.match(text, me)
            end = y.end() if y else me
            out.append(_Date(back.start(), end, int(y.group("y")) if y else None, month,
                             _days(back.group("d"), back.group("d2"))))
            consumed = end
            continue
        fwd = _DAY_AFTER.match(text, me)
        if fwd is not None:
            second = fwd.group("m2")
            same = second is None or _MONTHS[second.rstrip(".").lower()] == month
            days = _days(fwd.group("d"), fwd.group("d2") if same else None)
            y_text = fwd.group("y")
            out.append(_Date(ms, fwd.end(), int(y_text) if y_text else None, month, days))
            consumed = fwd.end()
            continue
        if bare_abbrev:
            continue
        y = _YEAR_AFTER.match(text, me)
        if y is not None:
            out.append(_Date(ms, y.end(), int(y.group("y")), month, (None,)))
            consumed = y.end()
            continue
        if not word.endswith(".") and _MONTH_ONLY_BEFORE.search(text, max(0, ms - 20), ms):
            out.append(_Date(ms, me, None, month, (None,)))
            consumed = me
    return out


def split_release_sentences(line: str) -> list[tuple[int, int]]:
    """Sentence spans within one line, not splitting after abbreviations or initials."""
    spans: list[tuple[int, int]] = []
    begin = 0
    for m in _SENT_END.finditer(line):
        j = m.start()
        k = j
        while k > begin and not line[k - 1].isspace() and line[k - 1] not in "(\"“_":
            k -= 1
        word = line[k:j].lower().rstrip(".")
        if line[j] == "." and (word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha())):
            continue
        spans.append((begin, m.end()))
        begin = m.end()
    if begin < len(line):
        spans.append((begin, len(line)))
    return spans


def _year_anchors(text: str, dates: list[_Date], years: list[int]) -> list[tuple[int, int]]:
    """(position, year) of every year the text names in a date-like way, in order."""
    out: list[tuple[int, int]] = []
    for d in dates:
        if d.year is not None:
            out.append((d.start, d.year))
    for y in years:
        if _IN_BEFORE_YEAR.search(text, max(0, y - 30), y):
            out.append((y, int(text[y : y + 4])))
    out.sort()
    return out


_LEAD_YEAR = re.compile(r"is(?<!\wis)\s+an?\s+(?:[\w-]+\s+){0,2}?(\d{4})\b")


def _paragraph_events(
    base: int,
    line: str,
    dates: list[_Date],
    anchors: list[tuple[int, int]],
    ctx: Context,
    budget: _Budget,
    where: _Where,
) -> list[_Event]:
    events: list[_Event] = []
    para_events: list[_Event] = []
    # Wiki image captions leave "File.jpg caption]]" at a line's start.
    junk = 0
    for marker in ("]]", ".jpg ", ".png "):
        at = line.rfind(marker)
        if at >= 0:
            junk = max(junk, at + len(marker))
    bullet = _BULLET.match(line, junk)
    if bullet:
        junk = bullet.end()
    di = 0  # dates and sentences both come in order: one pointer walks the dates
    for s, e in split_release_sentences(line[junk:]):
        sent = line[junk + s : junk + e]
        a = base + junk + s
        framed, framed_at = _frame_regions(sent)
        if framed:
            where.frame, where.frame_at = framed, a + framed_at
        b = a + len(sent)
        while di < len(dates) and dates[di].start < a:
            di += 1
        local: list[_Date] = []
        while di < len(dates) and dates[di].start < b:
            d = dates[di]
            if d.end <= b:
                local.append(_Date(d.start - a, d.end - a, d.year, d.month, d.days))
            di += 1
        found = _sentence_events(sent, a, local, where, budget)
        for ev in found:
            if ev.regions != (None,):
                where.last_region = ev.regions
            where.last_kind = ev.kind
        para_events.extend(found)
    # Year resolution needs the whole paragraph: a year-less date looks at its sentence, then
    # at the paragraph before and after it.
    if any(ev.year is None and ev.month is not None for ev in para_events):
        years = _Years(anchors, para_events, base, line, where.film_year)
        for ev in para_events:
            if ev.year is None and (ev.month is not None):
                ev.year, ev.year_rule, ev.year_at = years.resolve(ev, ctx)
    events.extend(para_events)
    return events


_BULLET = re.compile(r"\s*[-*•]\s+")
_SOME_COUNTRIES = re.compile(
    r"(?:several|some|many|a few|most|select|selected)\s+(?:other\s+)?(?:countries|territories"
    r"|markets|regions),?\s+(?:including|such as|like)\s+"
)


def _frame_regions(sent: str) -> tuple[tuple[str, ...], int]:
    """Regions of a sentence-opening "In Indonesia, ..." frame, which hold for the paragraph
    (and, unless another says otherwise, for the rest of the section); with their offset."""
    m = _FRAME.match(sent)
    if not m:
        return (), -1
    rest = sent[m.end() :]
    listed = _SOME_COUNTRIES.match(rest)
    if listed is not None:
        # "In several countries, including Brazil, Greece and Israel, the film ..."
        group = _groups(rest, find_regions(rest[: listed.end() + 120]))
        if group and group[0].start == listed.end():
            return group[0].codes, m.end() + listed.end()
        return (), -1
    comma = rest.find(",")
    if comma < 0 or comma > 60:
        return (), -1
    mentions = [x for x in find_regions(rest[:comma]) if x.kind != "demonym"]
    if not mentions or mentions[0].start > 4:
        return (), -1
    return tuple(dict.fromkeys(x.code for x in mentions)), m.end() + mentions[0].start


# "A DVD was also released that year", "the following year": a year named before.
_RELATIVE_YEAR = re.compile(
    r"\b(?:(?:later|earlier)\s+)?(?:that|the same)\s+year\b|\b[Tt]he\s+(?:following|next)\s+year\b"
    r"|\ba\s+year\s+later\b"
)


def _add_bare_years(
    sent: str, found: list[_Date], offset: int = 0, where: _Where | None = None
) -> list[_Date]:
    """`found` plus the bare years that read as release dates ("released on DVD in 2001"),
    and years named relative to an earlier one ("that year", "the following year")."""
    dates = list(found)
    taken = spans_of((d.start, d.end) for d in dates)

    def free(a: int, b: int) -> bool:
        return not taken.overlapping(a, b)

    extra: list[_Date] = []
    if where is not None and "year" in sent and not found:
        chained: int | None = None  # "The following year ..., and a year later ..."
        for m in _RELATIVE_YEAR.finditer(sent):
            year = chained if chained is not None else where.year_before(offset + m.start())
            if year is not None:
                later = "following" in m.group() or "next" in m.group() or "later" in m.group()
                year += 1 if later and "later that" not in m.group() else 0
                chained = year
                extra.append(_Date(m.start(), m.end(), year, None, (None,), True))
    for m in _YEAR_TOKEN.finditer(sent):
        a, b = m.start(), m.end()
        if not free(a, b) or not _IN_BEFORE_YEAR.search(sent, max(0, a - 30), a):
            continue
        extra.append(_Date(a, b, int(m.group(0)), None, (None,), True))
        tail = b
        while True:
            more = _YEAR_MORE.match(sent, tail)
            if not more:
                break
            extra.append(_Date(more.start("y"), more.end("y"), int(more.group("y")), None,
                               (None,), True))
            tail = more.end()
    # With a day or month date in the sentence, "the 2016 Toronto International Film
    # Festival" only names the year of that date.
    for m in [] if found else _YEAR_ADJ.finditer(sent):
        a, b = m.start("y"), m.end("y")
        if free(a, b) and not _BAD_BEFORE_YEAR.search(sent[max(0, a - 24) : a]):
            extra.append(_Date(a, b, int(m.group("y")), None, (None,), True))
    for m in [] if found or not _may_name_festival(sent) else _YEAR_FEST.finditer(sent):
        grp = "y" if m.group("y") else "y2"
        a, b = m.start(grp), m.end(grp)
        if free(a, b):
            extra.append(_Date(a, b, int(m.group(grp)), None, (None,), True))
    seen: set[int] = set()
    for d in sorted(extra, key=lambda x: x.start):
        if d.start in seen:
            continue
        seen.add(d.start)
        dates.append(d)
    dates.sort(key=lambda x: x.start)
    return dates


def _may_name_festival(sent: str) -> bool:
    """False when `_YEAR_FEST` cannot match: each of its forms holds one of these words, and
    the check costs far less than the scan (which tries every position)."""
    return "Fest" in sent or "fest" in sent or "Biennale" in sent


def _days(first: str, second: str | None) -> tuple[int | None, ...]:
    a = int(first.rstrip("stndrh"))
    if second is None:
        return (a,)
    b = int(second.rstrip("stndrh"))
    if b <= a or b - a > 10:
        return (a,)
    return (a, b)


class _Group(NamedTuple):
    """Consecutive place names joined by "and" or commas ("the US and Canada")."""

    start: int
    end: int
    codes: tuple[str, ...]
    festival: bool  # a festival is among them
    country: bool  # a country (or demonym) is named outright, not a city, venue or festival


def _groups(sent: str, mentions: list[Mention]) -> list[_Group]:
    """The place names of a sentence, grouped where "and" or commas join them."""
    groups: list[_Group] = []
    for m in mentions:
        outright = m.kind in ("country", "demonym")
        if groups and _GROUP_GAP.match(sent[groups[-1].end : m.start]):
            g = groups[-1]
            groups[-1] = _Group(
                g.start,
                m.end,
                (*g.codes, m.code),
                g.festival or m.kind == "festival",
                g.country or outright,
            )
        else:
            groups.append(_Group(m.start, m.end, (m.code,), m.kind == "festival", outright))
    return [g._replace(codes=tuple(dict.fromkeys(g.codes))) for g in groups]


_NAME_TAIL = re.compile(r"\s+(?!(?:Film|International|Festival|Fest|Theat|Cinema|Premiere|DVD|Blu"
    r"|Ultra|Region|Special|Digital|Video|January|February|March|April|May|June|July|August"
    r"|September|October|November|December)\b)[A-Z][a-z]"
)


# "Los Angeles Fairfax Theater", "a San Diego Sneak Preview": a venue or a screening, not a
# company, follows the place name.
_VENUE_TAIL = re.compile(
    r"(?:\s+[A-Z][\w'.-]*){1,3}?\s*(?:Theat(?:er|re)s?|Cinemas?|Hall|Auditorium|Preview|Palace"
    r"|Playhouse)\b"
)


def _region_mentions(sent: str) -> list[Mention]:
    out: list[Mention] = []
    for m in find_regions(sent):
        if m.kind == "demonym" and not _DEMONYM_USE.match(sent, m.end):
            continue
        # "China Lion", "Los Angeles Times": a place inside a company or paper name.
        if (
            m.kind in ("country", "city")
            and _NAME_TAIL.match(sent, m.end)
            and not _VENUE_TAIL.match(sent, m.end)
        ):
            continue
        out.append(m)
    return out


_OWN_PREPOSITION = re.compile(r"\s*(?:(?:on|in|at|from|by|of)\s+)?(?:the\s+)?$")


def _clause_start(sent: str, date_start: int, blocked: Spans) -> int:
    """Where the clause holding the first date begins: after the last separator before it,
    not counting a comma that only sets off the date's own "on" ("Austin, Texas, on ...")."""
    start = 0
    asides = spans_of(_asides(sent, date_start))
    for m in _SEPARATOR.finditer(sent, 0, date_start):
        if blocked.covers(m.start()) or asides.covers(m.start()):
            continue
        if _OWN_PREPOSITION.match(sent, m.end(), date_start):
            continue
        start = m.end()
    return start


def _asides(sent: str, end: int) -> list[tuple[int, int]]:
    """Spans of parentheticals closed before `end` ("presented the feature (re-titled X) at
    the festival"): an aside, not a clause boundary."""
    out: list[tuple[int, int]] = []
    at = sent.find("(", 0, end)
    while at >= 0:
        close = sent.find(")", at, end)
        if close < 0:
            break
        out.append((at, close + 1))
        at = sent.find("(", close, end)
    return out


def _first_separator(sent: str, a: int, b: int, blocked: Spans) -> int:
    """Offset of the first clause separator in sent[a:b] outside place-name groups, or b."""
    for m in _SEPARATOR.finditer(sent, a, b):
        if blocked.covers(m.start()):
            continue
        return m.start()
    return b


def _sentence_events(
    sent: str,
    offset: int,
    found: list[_Date],
    where: _Where,
    budget: _Budget | None = None,
) -> list[_Event]:
    if (
        not found and _YEAR_TOKEN.search(sent) is None and " year" not in sent
    ) or not _gated(sent):
        return []
    dates = _add_bare_years(sent, found, offset, where)
    if budget is not None:
        dates = budget.take(dates)
    if not dates:
        return []
    fest_year = _YEAR_FEST.search(sent) if found and _may_name_festival(sent) else None
    if fest_year is not None:
        year = int(fest_year.group("y") or fest_year.group("y2"))
        dates = [
            _Date(d.start, d.end, year, d.month, d.days) if d.year is None else d for d in dates
        ]
    mentions = _region_mentions(sent)
    groups = _groups(sent, mentions)
    blocked = spans_of((g.start, g.end) for g in groups)
    group_starts = [g.start for g in groups]
    low = lower_keep_offsets(sent)
    postpone = list(_POSTPONE.finditer(low))
    last_postpone = postpone[-1].end() if postpone else -1
    original = _ORIGINAL.search(low)

    # Split the text between consecutive dates: the part before the first separator trails
    # the earlier date ("10 January in the USA"), the rest leads into the later one.
    pres: list[tuple[int, int]] = []
    posts: list[tuple[int, int]] = []
    for i, d in enumerate(dates):
        if i == 0:
            pres.append((_clause_start(sent, d.start, blocked), d.start))
        else:
            prev = dates[i - 1]
            cut = _first_separator(sent, prev.end, d.start, blocked)
            pres.append((cut, d.start))
        limit = dates[i + 1].start if i + 1 < len(dates) else len(sent)
        cut = _first_separator(sent, d.end, limit, blocked)
        # "On 4 October, the film was screened ..." and "..., 2016, at the Toronto ...": the
        # comma right after the date does not end the date's clause.
        if cut < limit and sent[cut] == "," and (
            _LEAD_IN.match(sent[pres[i][0] : d.start]) or _COMMA_PLACE.match(sent, cut)
        ):
            cut = _first_separator(sent, cut + 1, limit, blocked)
        posts.append((d.end, cut))

    events: list[_Event] = []
    prev_regions: tuple[str | None, ...] = ()
    prev_kind: EventKind | None = None
    prev_at = -1
    prev_city = False
    respectively = "respectively" in sent and _RESPECTIVELY.search(sent) is not None
    for i, d in enumerate(dates):
        pre_a, pre_b = pres[i]
        post_a, post_b = posts[i]
        moved = postpone and d.start > last_postpone
        if postpone and not moved:
            continue
        if original and not postpone and original.start() < d.start:
            continue
        if _BAD_BEFORE_DATE.search(low[max(0, d.start - 30) : d.start]) and not (
            moved and _TO_BEFORE.search(sent, max(0, d.start - 5), d.start)
        ):
            continue
        if moved:
            pre_a = 0
        pre = sent[pre_a:pre_b]
        post = sent[post_a:post_b]
        window = pre + " " + post
        window_low = low[pre_a:pre_b] + " " + low[post_a:post_b]
        if _PROMO.search(window_low) and _PROMO.search(
            _PART_OF.sub("", _ASIDE.sub("", window_low))
        ):
            continue
        if _WITHDRAWN.search(low, pre_a, pre_b) or _WITHDRAWN.search(low, post_a, post_b):
            continue
        # "A special sneak peek featuring ..., was released on June 3": the subject sits
        # before the clause. DVD sentences often list trailers among extras, so not there.
        if i == 0 and _promo_subject(low, d.start) and not _HOME.search(sent):
            continue
        kind = _kind(window, window_low)
        cue_ok = _nearest_cue_is_release(pre, post)
        if not cue_ok:
            continue
        if kind in (None, "theatrical") and not _EXPLICIT_THEATRICAL.search(window):
            # "was released on DVD on 1 May, and re-released on 2 June": the re-release is
            # on DVD too; "In 2010, MGM released both cuts on DVD" and "The first DVD
            # edition, released in 2001": the medium sits outside the date's clause.
            if prev_kind in ("home_media", "streaming", "tv"):
                kind = prev_kind
            else:
                initial_date = _LEAD_IN.match(sent[pre_a:pre_b]) is not None
                limit = dates[i + 1].start if i + 1 < len(dates) else len(sent)
                extra = sent[post_b:limit] if initial_date else sent[:pre_a] if i == 0 else ""
                media = (
                    _media_kind(extra)
                    if extra
                    and not _EXPLICIT_THEATRICAL.search(extra)
                    and (kind is not None or _RELEASE_NEAR.search(extra))
                    else None
                )
                if media is not None:
                    kind = media
        if (
            kind is None
            and prev_kind is None
            and _ELLIPSIS.match(pre)
            and _RELEASE_NEAR.search(sent, 0, pre_a)
        ):
            # "The trailer was released on 1 March, and the film on 24 March": the verb is
            # the earlier clause's
            kind = "theatrical"
        if kind is None:
            if prev_kind is None:
                continue
            kind = prev_kind
        elif d.year_only and kind == "theatrical" and not _RELEASE_NEAR.search(window):
            continue
        if (
            d.year_only
            and prev_kind is None
            and kind != "festival"
            and not _YEAR_CUE.search(sent, 0, post_b)
        ):
            continue
        initial = _LEAD_IN.match(sent[pre_a:pre_b]) is not None
        group = _region_group(sent, pre_a, pre_b, post_a, post_b, groups, initial, group_starts)
        regions: tuple[str | None, ...] = group.codes if group else ()
        rule, at = "named in the date's clause", offset + group.start if group else -1
        if group and group.country:
            where.named_country(group.codes, at)
        if (
            not regions
            and kind == "theatrical"
            and where.last_kind in ("festival", "premiere")
            and where.last_region
            and _SCREENED.search(window)
            and not _RELEASE_NEAR.search(window)
            and not _EXPLICIT_THEATRICAL.search(window)
        ):
            # "... premiered at the Palm Springs festival on 6 January. It was named one of
            # the best of the fest and screened again on 15 January": the same festival.
            kind = "festival"
            regions, rule, at = where.last_region, "the festival of the sentence before", -1
        if not regions and initial:
            # "In 1993, Fox Video released the dub on VHS and Laserdisc in the United States":
            # a clause that opens on its date names the place further on.
            limit = dates[i + 1].start if i + 1 < len(dates) else len(sent)
            later = [
                g
                for g in groups
                if post_b <= g.start and g.end <= limit and g.country and not g.festival
            ]
            if later and not _NO_REGION.search(low, post_b, later[0].start):
                regions, rule = later[0].codes, "named later in its sentence"
                at = offset + later[0].start
        if not regions and kind == "tv" and groups:
            # "ABC first broadcast the film on the July 4, 1971 edition of ...": the channel
            g = min(groups, key=lambda g: abs(g.start - d.start))
            regions, at = g.codes, offset + g.start
            rule = "the channel or place named in its sentence"
        if not regions:
            earlier = [g for g in groups if g.end <= d.start]
            place = (earlier[-1].codes, offset + earlier[-1].start) if earlier else None
            regions, rule, at = _context_region(
                window_low, pre, prev_regions, prev_at, place, where, prev_city
            )
        prev_regions, prev_kind, prev_at = regions, kind, at
        prev_city = group is not None and not group.festival and not group.country
        for day in d.days:
            events.append(
                _Event(
                    d.year, d.month, day, regions, kind, offset + d.start, offset + d.end,
                    d.year is not None, rule, at,
                    "written in its sentence" if d.year is not None else "", offset + d.start,
                )
            )
    if groups:
        where.place, where.place_at = groups[-1].codes, offset + groups[-1].start
    if respectively:
        events = _respectively(sent, events, groups, offset)
    # A bare year that only repeats a fuller date of the same sentence ("the 2016 Toronto
    # International Film Festival on 9 September 2016") is not an event of its own.
    full_years = {e.year for e in events if e.month is not None and e.year is not None}
    bare = [e for e in events if e.month is None]
    yearless = [e for e in events if e.month is not None and e.year is None]
    bare_years = {e.year for e in bare if e.year is not None}
    if yearless and len(bare_years) == 1:
        # "Mayhem Film Festival 2016 on October 13": the bare year is the date's year.
        only = bare_years.pop()
        for e in yearless:
            e.year = only
            e.explicit_year = True
            e.year_rule = "the one year of its sentence"
        full_years.add(only)
    return [e for e in events if e.month is not None or e.year not in full_years]


_TO_BEFORE = re.compile(r"\bto\s+$")
# The film as the subject or the object of the date's verb ("the film was", "broadcast the
# film"), not as a complement ("the soundtrack for the film").
_THE_FILM = re.compile(
    r"\b(?:the film|the movie|it)\s+(?:was|is|had|has|will|would|opened|premiered|debuted"
    r"|got|received)\b|\b(?:released|broadcast|aired|screened|showed|distributed|premiered"
    r"|re-released)\s+(?:the film|the movie|it)\b"
)


def _promo_subject(low: str, date: int) -> bool:
    """A trailer or a song opens the sentence and is what the date is of ("A special sneak
    peek featuring ..., was released on June 3"), not the film named between them."""
    promo = _PROMO.search(low, 0, date)
    return promo is not None and not _THE_FILM.search(low, promo.end(), date)
_ELLIPSIS = re.compile(
    r"\W*(?:(?:and|but|while|whereas)\s+)?(?:the film|the movie|the feature|it)\s+"
    r"(?:itself\s+)?(?:on|in)\s*$"
)
_PART_OF = re.compile(r"\bas part of\b.*")
_ASIDE = re.compile(r"\([^()]*\)")
_WITHDRAWN = re.compile(r"\b(?:withdrawn|withdrew|withdraw|pulled|removed)\b")
_EXPLICIT_THEATRICAL = re.compile(
    r"\b(?:theat(?:er|re)s?|theatrical(?:ly)?|cinemas?|screens|box office|nationwide|limited"
    r"|wide|roadshow)\b",
    re.I,
)
_SCREENED = re.compile(r"\b(?:[Ss]creened|[Ss]hown|[Ss]creening|[Pp]layed)\b")
_YEAR_CUE = re.compile(
    r"\b(?:[Rr]e-?releas\w*|[Rr]eleas\w*|[Rr]e-?issu\w*|[Pp]remi\w*|[Dd]ebut\w*|air(?:ed|s|ing)?"
    r"|[Bb]roadcast\w*|[Tt]elecast\w*|open\w*|[Ss]creen\w*|shown|showing|available|came out"
    r"|[Ll]aunch\w*|stream\w*|went|hit|distributed|put out|issued|bow\w*|edition|version"
    r"|repackag\w*)\b"
)


def _media_kind(text: str) -> EventKind | None:
    """The medium a stretch of text names (DVD, streaming, television), if any."""
    if _HOME.search(text):
        return "home_media"
    if _STREAM.search(text):
        return "streaming"
    if _STRONG_TV.search(text):
        return "tv"
    return None
_LEAD_IN = re.compile(r"^\s*(?:[Oo]n|[Ii]n|[Bb]y|[Ss]ince|[Ff]rom)?\s*(?:the\s+)?$")
_COMMA_PLACE = re.compile(r",\s+(?:in|at)\s")
_RELEASE_NEAR = re.compile(
    r"\b(?:[Rr]e-?released?|[Rr]eleas(?:e|ed|es|ing)|[Rr]e-?issued?|open(?:ed|s)"
    r"|Open(?:ed|s)(?!\s+[A-Z])|went into"
    r"|hit the|theatrical)\b"
)


def _kind(window: str, window_low: str) -> EventKind | None:
    """The event kind the window's words point to, or None when nothing says release.

    `window_low` is `window` lower-cased, for the patterns written in lower case."""
    if _OTHER.search(window_low):
        return "other"
    if _HOME.search(window):
        return "home_media"
    debut = _THEATRICAL_DEBUT.search(window_low) is not None
    if _STREAM.search(window) and not debut:
        return "streaming"
    tv = _TV.search(window)
    if tv and (_PREMIERE.search(window) or _THEATRICAL.search(window) or _STRONG_TV.search(window)):
        return "tv"
    if debut:
        return "theatrical"
    if _PREMIERE.search(window):
        return "premiere"
    if _FESTIVAL.search(window) and (_THEATRICAL.search(window) or _FEST_VERB.search(window)):
        return "festival"
    if _THEATRICAL.search(window):
        return "theatrical"
    return None


_STRONG_TV = re.compile(
    r"\b(?:television|(?<![\w&]\s)Television(?!\s+[A-Z])|[Tt]elecast|[Bb]roadcast|[Rr]ebroadcast"
    r"|[Aa]ired|[Aa]iring|[Aa]irs)\b"
)
_FEST_VERB = re.compile(
    r"\b(?:selected|invited|presented|shown|showed|played|compete|competed|competing|in"
    r" competition|programmed|closing film|official selection|section)\b"
)
_ANY_RELEASE = re.compile(
    "|".join(
        p.pattern
        for p in (_HOME, _STREAM, _STRONG_TV, _PREMIERE, _THEATRICAL, _OTHER, _FEST_VERB)
    )
)


# A sentence without any of these words holds no release event; most sentences stop here.
_GATE_WORDS = (
    "releas", "premi", "debut", "open", "screen", "festival", "fest", "dvd", "blu", "vhs",
    "disc", "video", "stream", "netflix", "digital", "air", "broadcast", "televis", "theat",
    "cinema", "issued", "shown", "showing", "launch", "hit the", "demand", "online", "compet",
    "tv", "4k", "hd",
)


def _gated(sent: str) -> bool:
    low = sent.lower()
    return any(w in low for w in _GATE_WORDS)


def _nearest_cue_is_release(pre: str, post: str) -> bool:
    """True unless a non-release word (announced, grossed, won...) sits nearer the date."""
    best_not = _nearest(pre.lower(), post.lower(), _NOT_RELEASE)
    if best_not is None:
        return True
    best_rel = _nearest(pre, post, _ANY_RELEASE)
    if best_rel is None:
        return False
    return best_rel <= best_not


def _nearest(pre: str, post: str, pattern: re.Pattern[str]) -> int | None:
    """Distance from the date to the nearest match: the last one in `pre`, the first in `post`."""
    best: int | None = None
    last: re.Match[str] | None = None
    for last in pattern.finditer(pre):  # noqa: B007 (only the last match counts)
        pass
    if last is not None:
        best = len(pre) - last.end()
    first = pattern.search(post)
    if first is not None:
        best = first.start() if best is None else min(best, first.start())
    return best


_POST_LEAD = re.compile(r"\b(?:in|at|across|throughout|for|to|on)\b")


def _region_group(
    sent: str,
    pre_a: int,
    pre_b: int,
    post_a: int,
    post_b: int,
    groups: list[_Group],
    initial: bool,
    starts: list[int],
) -> _Group | None:
    """The place names of the date whose clause is sent[pre_a:pre_b] + sent[post_a:post_b]."""

    # `groups` are in order and apart (`starts` are theirs): only those starting inside a
    # window can lie in it.
    def within(a: int, b: int) -> list[_Group]:
        near = groups[bisect_left(starts, a) : bisect_left(starts, b)]
        return [g for g in near if g.end <= b]

    after = within(post_a, post_b)
    before = within(pre_a, pre_b)
    if after:
        gap = sent[post_a : after[0].start]
        if before and gap.lstrip().startswith(","):
            # "in Japan on 10 July 2015, in Taiwan on 7 August": the next item of a list
            return before[-1]
        if not gap.strip() or (len(gap) <= (110 if initial else 50) and _POST_LEAD.search(gap)):
            return after[0]
        # "the trilogy saw another UK release", "re-released on five North American screens":
        # the place qualifies the release noun itself.
        for g in after:
            if _DEMONYM_USE.match(sent, g.end):
                return g
    if before:
        return before[-1]
    return None


# "opened there", "released there on": the last place named.
_THERE = re.compile(
    r"\b(?:released|opened|premiered|shown|screened|aired|broadcast|debuted|issued|out|"
    r"played|distributed)\s+(?:\w+\s+)?there\b|\bthere\s+(?:on|in)\s"
)
# The country the paragraph (or, failing that, the article) is about.
_THE_COUNTRY = re.compile(
    word_alternation(
        [
            "the country",
            "domestic(?:ally)?",
            "nationwide",
            "nationally",
            "national release",
            "across the country",
            "countrywide",
            "home country",
            "local release",
        ]
    )
    + r"\b"
)


def _context_region(
    window_low: str,
    pre: str,
    prev: tuple[str | None, ...],
    prev_at: int,
    place: tuple[tuple[str, ...], int] | None,
    where: _Where,
    prev_city: bool = False,
) -> tuple[tuple[str | None, ...], str, int]:
    """The region of a date whose clause names no place, with the rule and the offset of the
    place it came from: "worldwide" is none; "there" is the last place named; "the country",
    "domestic" and "nationwide" the paragraph's country, else the article's; then an earlier
    date of the sentence, the paragraph's frame or last country named outright, and a frame
    opening an earlier paragraph of the section. Otherwise none."""
    if _NO_REGION.search(window_low):
        return (None,), "worldwide", -1
    if place is None and where.place:
        place = (where.place, where.place_at)
    if place is not None and "there" in window_low and _THERE.search(window_low):
        return place[0], '"there": the last place named', place[1]
    if _THE_COUNTRY.search(window_low):
        for codes, at, rule in (
            (prev, prev_at, "an earlier date of the sentence"),
            (where.frame, where.frame_at, "the paragraph's country"),
            (where.country, where.country_at, "the paragraph's country"),
            (where.film, where.film_at, "the film's country (lead)"),
        ):
            if codes:
                return codes, f"{rule}, for a domestic release", at
    if prev and len(pre.strip(" ,;&")) < 25 and not _THEATRICAL.search(pre):
        return prev, "an earlier date of the sentence", prev_at
    if prev and prev_city and len(pre) < 40:
        # "premiered on 6 October in Delhi and was released on 7 October": the same country
        return prev, "the city of an earlier date of the sentence", prev_at
    for codes, at, rule in (
        (where.frame, where.frame_at, "the paragraph's frame"),
        (where.country, where.country_at, "the paragraph's country"),
        (where.section, where.section_at, "the section's frame"),
    ):
        if codes:
            return codes, rule, at
    return (None,), "no place named", -1


def _respectively(
    sent: str,
    events: list[_Event],
    groups: list[_Group],
    offset: int,
) -> list[_Event]:
    """"in Taiwan and Hong Kong on 11 March and 21 April respectively": pair them in order."""
    dated = [e for e in events if e.month is not None]
    for g in groups:
        if len(g.codes) == len(dated) and len(dated) > 1 and offset + g.end <= dated[0].start:
            for ev, code in zip(dated, g.codes, strict=True):
                ev.regions = (code,)
                ev.region_rule, ev.region_at = '"respectively": paired in order', offset + g.start
            break
    del sent
    return events


class _Years:
    """What a year-less date of one paragraph may take its year from: the text's year anchors
    ((position, year), in order) and the paragraph's dates written with a year."""

    def __init__(
        self,
        anchors: list[tuple[int, int]],
        para: Sequence[_Event],
        start: int,
        line: str,
        film_year: tuple[int, int] | None,
    ) -> None:
        self.anchors = anchors
        self.at = [p for p, _ in anchors]  # positions, for binary search
        self.start, self.end = start, start + len(line)
        self.line = line
        self.film_year = film_year
        full = sorted(
            (e for e in para if e.explicit_year and e.month is not None), key=lambda e: e.start
        )
        self.full = full
        self.full_at = [e.start for e in full]
        self.full_by_start: dict[int, _Event] = {}
        for e in full:
            self.full_by_start.setdefault(e.start, e)

    def _one_sentence(self, a: int, b: int) -> bool:
        """No sentence ends between offsets a < b of the text (both in this paragraph)."""
        return _SENT_END.search(self.line, a - self.start, b - self.start) is None

    def resolve(self, ev: _Event, ctx: Context) -> tuple[int | None, str, int]:
        """The year of a year-less date, with the rule that gave it and where that year is
        written: its own sentence, else the paragraph (before it, then after it), the
        publication date, the text before the paragraph, the film's year."""
        assert ev.month is not None
        i = bisect_left(self.at, ev.start) - 1  # the last anchor before the date
        before = i >= 0 and self.at[i] >= self.start
        j = bisect_right(self.at, ev.start)  # the first anchor after the date
        after = j < len(self.at) and self.at[j] < self.end and self.at[j] - ev.end < 200
        if (
            after
            and self._one_sentence(ev.end, self.at[j])
            and not (before and self._one_sentence(self.at[i], ev.start))
        ):
            # "on DVD on 27 February and digitally on 13 February 2018": the sentence's year
            before = False
        if before:
            year = self.anchors[i][1]
            k = bisect_left(self.full_at, ev.start) - 1
            prev_full = self.full[k] if k >= 0 else None
            # "10 November 2017 ... and 12 January" in one run of dates: the year rolls over.
            if (
                prev_full is not None
                and prev_full.year == year
                and ev.start - prev_full.end < 120
                and (prev_full.month or 0) >= 10
                and ev.month <= 3
            ):
                return year + 1, "the year after an earlier date's (it rolls over)", self.at[i]
            return year, "the last year named before it in the paragraph", self.at[i]
        if after:
            nxt = self.full_by_start.get(self.at[j])
            # "on 29 December, and in Japan on 5 January 2018": across a year's end
            if nxt is not None and (nxt.month or 0) <= 3 and ev.month >= 10:
                return self.anchors[j][1] - 1, "the year before a later date's", self.at[j]
            return self.anchors[j][1], "the next year named after it in the paragraph", self.at[j]
        if ctx.published is not None:
            year = _next_occurrence(ctx.published, ev.month, ev.day)
            return year, "its next occurrence after the publication date", -1
        e = bisect_left(self.at, self.start) - 1  # the last anchor before the paragraph
        if e >= 0:
            return self.anchors[e][1], "the last year named before the paragraph", self.at[e]
        if self.film_year is not None:
            return self.film_year[0], "the film's year", self.film_year[1]
        return None, "none named", -1


def _next_occurrence(published: dt.date, month: int, day: int | None) -> int:
    """The year in which month (and day) next falls after `published`."""
    if day is None:
        return published.year if month >= published.month else published.year + 1
    if (month, day) > (published.month, published.day):
        return published.year
    return published.year + 1


def _finish(raw: Iterable[_Event]) -> list[ReleaseEvent]:
    """One event per region, duplicates (same region and date) dropped, and a region-less
    copy dropped when the same full date is known with a region."""
    out: list[ReleaseEvent] = []
    seen: set[tuple[str | None, int | None, int | None, int | None]] = set()
    for ev in raw:
        for region in ev.regions:
            key = (region, ev.year, ev.month, ev.day)
            if key in seen:
                continue
            seen.add(key)
            why = (
                Reason(f"country: {ev.region_rule}", ev.region_at),
                Reason(f"year: {ev.year_rule}", ev.year_at),
            )
            out.append(
                ReleaseEvent(ev.year, ev.month, ev.day, region, ev.kind, ev.start, ev.end, why)
            )
    # "premiered at the 2017 Cannes Film Festival" beside "On 17 May 2017, ... premiered":
    # the bare year adds nothing when the same region and kind have a fuller date that year.
    fuller = {(r.region, r.year, r.event) for r in out if r.month is not None}
    out = [r for r in out if r.month is not None or (r.region, r.year, r.event) not in fuller]
    located = {
        (r.year, r.month, r.day, r.event)
        for r in out
        if r.region is not None and r.month is not None
    }
    return [
        r
        for r in out
        if not (
            r.region is None
            and r.month is not None
            and (r.year, r.month, r.day, r.event) in located
        )
    ]
