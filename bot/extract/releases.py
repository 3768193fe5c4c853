"""Release events: dated releases of the film, per region, with their kind.

The text is re-scanned line by line (a line is a paragraph in every format we read) with a
small sentence splitter of its own, so a weaker sentence split upstream cannot merge or cut a
release sentence. In each sentence, date mentions are found with compiled regexes; each date
gets a window of text (the clause before it, and a short tail after it) from which its region,
its event kind and any reason to drop it (box office, announcements, trailers, original dates
that were later moved) are read. Year-less dates are resolved from the same sentence, then the
paragraph, then the publication date (next occurrence), then the nearest earlier year in the
text. Everything is regex work: about a millisecond for a 5 KB article.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.extract.regions import Mention, find_regions
from bot.extract.types import Context, ReleaseEvent, Sentence
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

_DATE = re.compile(
    # 10 January 2014 / the 10th of January / 24 & 29 September / 13–14 November
    rf"(?<![\w$£€.,])(?:the\s+)?(?P<d1>{_DAY})(?:{_JOIN}(?P<d1b>{_DAY}))?(?:\s+of)?\s+"
    rf"(?P<m1>{_MONTH_FULL})(?!\w)(?:,?\s+(?P<y1>{_YEAR})(?![\d,]))?"
    # January 10, 2014 / Dec. 25 / September 20 & 23, 2015 / June 17 to June 26
    rf"|(?<![\w-])(?P<m2>{_MONTH})\s+(?P<d2>{_DAY})(?![\d:,.]\d)(?!\w)"
    rf"(?:{_JOIN}(?:(?P<m2b>{_MONTH_FULL})\s+)?(?P<d2b>{_DAY})(?![\d:]|\s*(?:million|%|per)))?"
    rf"(?:,?\s+(?P<y2>{_YEAR})(?![\d,]))?"
    # January 2014 / June, 2017
    rf"|(?<![\w-])(?P<m3>{_MONTH_FULL}),?\s+(?P<y3>{_YEAR})(?![\d,])"
    # in May / during early December (month only)
    rf"|\b(?:in|during|[Ii]n\s+(?:early|late|mid)|[Ee]arly|[Ll]ate|mid-?)\s+"
    rf"(?P<m4>January|February|March|April|May|June|July|August|September|October|November"
    rf"|December)(?![\w-])(?!\s+\d)"
)

_YEAR_ONLY = re.compile(
    rf"\b(?:[Ii]n|[Dd]uring|[Tt]hroughout)\s+(?:(?:early|late|mid|the\s+(?:summer|fall|autumn"
    rf"|spring|winter|end)\s+of)[\s-]+)?(?P<y>{_YEAR})(?![\d,s'’]|-\d)"
)
_YEAR_MORE = re.compile(rf"(?:\s*,\s*(?:and\s+)?|\s+and\s+|\s*&\s*)(?:in\s+)?(?P<y>{_YEAR})(?![\d,s])")
_YEAR_ADJ = re.compile(
    rf"(?<![\d,])(?P<y>{_YEAR})\s+(?:(?:VHS|DVD|Blu-?ray|LaserDisc|laserdisc|limited|wide|theatrical"
    rf"|home[- ]video|US|U\.S\.|UK|domestic|Criterion|cinema|television|TV)\s+)*"
    rf"(?:re-?release|release|reissue|premiere|debut|broadcast)\b"
)
_YEAR_FEST = re.compile(
    rf"(?<![\d,])(?P<y>{_YEAR})\s+(?:edition\s+of\s+(?:the\s+)?)?(?:[A-Z0-9][\w'.&-]*\s+){{0,7}}?"
    rf"(?:Film\s+|Movie\s+)?(?:Festival|Fest|Filmfest|Biennale)\b"
    rf"|(?:Festival|Fest)\s+(?P<y2>{_YEAR})(?![\d,])"
)
_ANY_YEAR = re.compile(rf"(?<![\d,$£])\b{_YEAR}\b(?![\d,]|s\b|-\d)")

_BAD_BEFORE_DATE = re.compile(
    r"(?:\b(?:as of|by|until|till|through|since|after|before|from|between|ending|ended|prior to"
    r"|following|as early as|born|died)\s+(?:the\s+)?(?:end\s+of\s+)?)$",
    re.I,
)
_BAD_BEFORE_YEAR = re.compile(
    r"\b(?:after|before|prior to|since|following|until|by|of)\s+(?:the\s+|its\s+|their\s+)?$", re.I
)

_HOME = re.compile(
    r"\b(?:DVDs?|Blu-?rays?|VHS|Betamax|LaserDiscs?|[Ll]aser ?[Dd]iscs?|videocassettes?|"
    r"[Hh]ome (?:[Vv]ideo|[Mm]edia|[Ee]ntertainment|[Rr]elease)|Ultra HD|UHD|4K|HD DVD|CED|"
    r"[Vv]ideodiscs?|VCD|digibook|[Bb]ox set|[Ss]teelbook|Criterion Collection|[Dd]isc)\b"
)
_STREAM = re.compile(
    r"\b(?:Netflix|Amazon(?: Prime)?(?: Video)?|Prime Video|Hulu|iTunes|[Ss]treaming|[Ss]treamed"
    r"|[Ss]tream|[Dd]igital(?:ly)?(?! (?:restoration|remaster|transfer|projection|format))"
    r"|Digital HD|[Vv]ideo on [Dd]emand|VOD|[Oo]n [Dd]emand|DirecTV|Disney\+|HBO Max|Apple TV"
    r"|MUBI|[Oo]nline|[Dd]ownload|Flix Premiere|[Ss]hudder|[Vv]udu|Crackle|Tubi)\b"
)
_TV = re.compile(
    r"\b(?:[Tt]elevision|[Tt]elecast|[Bb]roadcast|[Rr]ebroadcast|[Aa]ired|[Aa]iring|TV|YTV|HBO"
    r"|BBC(?: One| Two| Four)?|ITV|Channel 4|Channel 5|TCM|Turner Classic Movies|Nickelodeon"
    r"|Showtime|Starz|Sky (?:Cinema|Movies|One)|Cinemax|[Cc]able|PBS|Syfy|Lifetime|Hallmark"
    r"|network|NBC|CBS|ABC)\b"
)
_PREMIERE = re.compile(
    r"\b(?:[Pp]remi[eè]re[sd]?|[Pp]remi[eè]ring|[Pp]remier|[Dd]ebut(?:ed|s)?|[Oo]pening (?:night )?film"
    r"|opened the|open the|[Ww]orld [Pp]remiere)\b"
)
_THEATRICAL_DEBUT = re.compile(
    r"\b(?:theatrical|cinematic|cinema|nationwide|wide|commercial|general)\s+(?:debut|premiere|release)",
    re.I,
)
_FESTIVAL = re.compile(
    r"\b(?:[Ff]estival|Fest|Filmfest|Film Market|Biennale|Sundance|SXSW|Tribeca|Telluride|TIFF"
    r"|Berlinale|Cannes|Venice|Sitges|Locarno|in competition|[Cc]ompet(?:e|ed|ing|ition))\b"
)
_THEATRICAL = re.compile(
    r"\b(?:[Rr]e-?released?|[Rr]eleas(?:e|ed|es|ing)|[Rr]e-?issued?|[Oo]pen(?:ed|s|ing)?"
    r"|theat(?:er|re)s?|theat(?:er|re)|cinemas?|screens|roadshow|went into|[Ll]imited"
    r"|[Ss]creen(?:ed|ing|s)?|[Ss]hown|[Ss]howing|[Pp]layed|hit the|[Ll]aunched|out in)\b"
)
_OTHER = re.compile(
    r"\b(?:special|private|preview|press|test|advance|charity|gala|sneak|fan|invitation-only)"
    r"\s*-?\s*(?:screenings?|screens?|showings?|previews?)\b|\bpre-?screen(?:ing)?s?\b",
    re.I,
)
# Things released that are not the film; a date whose window names one is not an event.
_PROMO = re.compile(
    r"\b(?:trailers?|teasers?|posters?|soundtracks?|albums?|songs?|singles?|video games?|games?"
    r"|novelization|novelisation|comic books?|comics|first look|featurettes?|sneak peeks?|clips?"
    r"|footage|stills|merchandise|toys?|tie-ins?|press release|press conference|report"
    r"|website|[Ss]coreboard|motion poster|audio launch|music launch|audio release|sequel"
    r"|prequel|remake|episodes?|series|dub(?:bed)?)\b",
    re.I,
)
# Verbs and nouns that, when nearer to the date than any release word, make it some other
# kind of date: an announcement, box-office figures, an award, a birthday, filming...
_NOT_RELEASE = re.compile(
    r"\b(?:announced|announces|announcement|revealed|confirmed|reported|stated|said|noted"
    r"|acquired|acquire|picked up|purchased|bought|sold|signed|agreed|submitted|deadline"
    r"|rights|filming|filmed|shooting|principal photography|production|wrapped|born|died"
    r"|death|birthday|passed away|killed|grossed|grossing|gross|earned|earning|collected"
    r"|collection|collections|admissions|viewers|weekend|tickets?|pre-?sales?|record|surpassed"
    r"|won|wins|award|awards|nominated|nominations?|ceremony|honou?red|banned|ban|withdrawn"
    r"|cancell?ed|rejected|certificate|interview|interviewed|wrote|review(?:ed|s)?|published"
    r"|coverage|crossed|reached|topped|declined|dropped|fell|rose|held|hosted|visited"
    r"|met|marked|celebrated|anniversary|launch(?:ed)? the|began|begun|started|commenced"
    r"|completed|finished|cast|hired|joined|attached|greenlit|approved)\b",
    re.I,
)
_POSTPONE = re.compile(
    r"\b(?:pushed (?:back|forward|up)|moved (?:up|forward|back|ahead)|brought forward|postponed"
    r"|delayed|rescheduled|was moved|later moved|changed to|shifted|preponed)\b",
    re.I,
)
_ORIGINAL = re.compile(
    r"\b(?:originally|initially|previously|had been (?:scheduled|slated|set|planned|due)"
    r"|original release date|was (?:first )?(?:scheduled|slated|set|planned|due) to be released"
    r"|were to be|was to be|would have been|had planned|was planned|intended)\b",
    re.I,
)
_NO_REGION = re.compile(
    r"\b(?:worldwide|world-wide|internationally|international release|globally|overseas"
    r"|across the world|around the world|all over the world|other countries|several countries"
    r"|foreign territories|territories)\b",
    re.I,
)
_RESPECTIVELY = re.compile(r"\brespectively\b")
_SEPARATOR = re.compile(
    r"[;()]|,|\s(?:and|but|while|whereas|before|after|followed by|then|where|which|when|with"
    r"|although|though|as well as|alongside|plus|however)\s|\s[–—]\s"
)
_GROUP_GAP = re.compile(r"^(?:\s*(?:,|and|&|or|/|as well as)\s*)+$|^\s*,?\s*$")
_DEMONYM_USE = re.compile(
    r"^(?:\s+[\w-]+){0,3}?\s+(?:re-?release|release|premiere|premiere|debut|theatrical|cinemas"
    r"|theat(?:er|re)s|audiences|screens|distribution|DVD|Blu-?ray|VHS|television|TV|broadcast"
    r"|opening|run|market|version)\b"
)
_FRAME = re.compile(r"^(?:In|Across|Throughout|Within|For)\s+(?:the\s+)?")
_MEDIA_WORDS = (_HOME, _STREAM, _TV)

_ABBREVIATIONS = frozenset(
    "jan feb mar apr jun jul aug sep sept oct nov dec mr mrs ms dr st jr sr vs no vol inc ltd co"
    " corp bros u.s u.k u.s.a mt ft prof gen col lt sgt capt rev op ed eds approx ca cf"
    " etc".split()
)
_SENT_END = re.compile(r"[.!?][\"”’')\]]*\s+(?=[\"“(\[_]?[A-Z0-9])")


@dataclass(frozen=True, slots=True)
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


def find_releases(text: str, sentences: list[Sentence], ctx: Context) -> list[ReleaseEvent]:
    """Every dated release event in `text`, in order, with region (ISO alpha-2) and kind.

    `sentences` is accepted for the pipeline's sake; release sentences are re-split here so
    that abbreviations such as "Dec." and "U.S." never cut a date from its region. Date parts
    the text does not give are None; a year-less date takes its year from its sentence or
    paragraph, else its next occurrence after `ctx.published`, else the last year named
    before it in the text, else stays None."""
    del sentences
    anchors = _year_anchors(text)
    raw: list[_Event] = []
    pos = 0
    for line in text.split("\n"):
        start = pos
        pos += len(line) + 1
        stripped = line.strip()
        if len(stripped) < 12 or stripped[0] in "|+" or not _has_date_hint(line):
            continue
        raw.extend(_paragraph_events(text, start, line, anchors, ctx))
    return _finish(raw)


def _has_date_hint(line: str) -> bool:
    return _ANY_YEAR.search(line) is not None or _DATE.search(line) is not None


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


def _year_anchors(text: str) -> list[tuple[int, int]]:
    """(position, year) of every year the text names in a date-like way, in order."""
    out: list[tuple[int, int]] = []
    for m in _DATE.finditer(text):
        y = m.group("y1") or m.group("y2") or m.group("y3")
        if y:
            out.append((m.start(), int(y)))
    for m in _YEAR_ONLY.finditer(text):
        out.append((m.start("y"), int(m.group("y"))))
    out.sort()
    return out


def _paragraph_events(
    text: str, base: int, line: str, anchors: list[tuple[int, int]], ctx: Context
) -> list[_Event]:
    events: list[_Event] = []
    frame: tuple[str, ...] = ()
    para_events: list[_Event] = []
    for s, e in split_release_sentences(line):
        sent = line[s:e]
        framed = _frame_regions(sent)
        if framed:
            frame = framed
        found = _sentence_events(sent, base + s, frame)
        para_events.extend(found)
    # Year resolution needs the whole paragraph: a year-less date looks at its sentence, then
    # at the paragraph before and after it.
    for ev in para_events:
        if ev.year is None and (ev.month is not None):
            ev.year = _resolve_year(ev, para_events, base, base + len(line), anchors, ctx)
        events.append(ev)
    del text
    return events


def _frame_regions(sent: str) -> tuple[str, ...]:
    """Regions of a sentence-opening "In Indonesia, ..." frame, which hold for the paragraph."""
    m = _FRAME.match(sent)
    if not m:
        return ()
    rest = sent[m.end() :]
    comma = rest.find(",")
    if comma < 0 or comma > 60:
        return ()
    mentions = [x for x in find_regions(rest[:comma]) if x.kind != "demonym"]
    if not mentions or mentions[0].start > 4:
        return ()
    return tuple(dict.fromkeys(x.code for x in mentions))


def _parse_dates(sent: str) -> list[_Date]:
    dates: list[_Date] = []
    for m in _DATE.finditer(sent):
        g = m.groupdict()
        if g["m1"]:
            month = _MONTHS[g["m1"].rstrip(".").lower()]
            days = _days(g["d1"], g["d1b"])
            year = g["y1"]
        elif g["m2"]:
            month = _MONTHS[g["m2"].rstrip(".").lower()]
            if g["m2b"] and _MONTHS[g["m2b"].rstrip(".").lower()] != month:
                days = _days(g["d2"], None)
            else:
                days = _days(g["d2"], g["d2b"])
            year = g["y2"]
        elif g["m3"]:
            month = _MONTHS[g["m3"].rstrip(".").lower()]
            days = (None,)
            year = g["y3"]
        else:
            month = _MONTHS[g["m4"].lower()]
            days = (None,)
            year = None
        if any(d is not None and d > 31 for d in days):
            continue
        dates.append(_Date(m.start(), m.end(), int(year) if year else None, month, days))
    taken = [(d.start, d.end) for d in dates]

    def free(a: int, b: int) -> bool:
        return all(b <= s or a >= e for s, e in taken)

    extra: list[_Date] = []
    for m in _YEAR_ONLY.finditer(sent):
        a, b = m.start("y"), m.end("y")
        if not free(a, b):
            continue
        extra.append(_Date(a, b, int(m.group("y")), None, (None,), True))
        tail = b
        while True:
            more = _YEAR_MORE.match(sent, tail)
            if not more:
                break
            extra.append(_Date(more.start("y"), more.end("y"), int(more.group("y")), None,
                               (None,), True))
            tail = more.end()
    for m in _YEAR_ADJ.finditer(sent):
        a, b = m.start("y"), m.end("y")
        if free(a, b) and not _BAD_BEFORE_YEAR.search(sent[max(0, a - 24) : a]):
            extra.append(_Date(a, b, int(m.group("y")), None, (None,), True))
    for m in _YEAR_FEST.finditer(sent):
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


def _days(first: str, second: str | None) -> tuple[int | None, ...]:
    a = int(first.rstrip("stndrh"))
    if second is None:
        return (a,)
    b = int(second.rstrip("stndrh"))
    if b <= a or b - a > 10:
        return (a,)
    return (a, b)


def _groups(sent: str, mentions: list[Mention]) -> list[tuple[int, int, tuple[str, ...], bool]]:
    """Consecutive place names joined by "and" or commas, as (start, end, codes, festival)."""
    groups: list[tuple[int, int, tuple[str, ...], bool]] = []
    for m in mentions:
        if groups and _GROUP_GAP.match(sent[groups[-1][1] : m.start]):
            s, _, codes, fest = groups[-1]
            groups[-1] = (s, m.end, (*codes, m.code), fest or m.kind == "festival")
        else:
            groups.append((m.start, m.end, (m.code,), m.kind == "festival"))
    return [(s, e, tuple(dict.fromkeys(c)), f) for s, e, c, f in groups]


def _region_mentions(sent: str) -> list[Mention]:
    out: list[Mention] = []
    for m in find_regions(sent):
        if m.kind == "demonym" and not _DEMONYM_USE.match(sent, m.end):
            continue
        out.append(m)
    return out


def _first_separator(sent: str, a: int, b: int, blocked: list[tuple[int, int]]) -> int:
    """Offset of the first clause separator in sent[a:b] outside place-name groups, or b."""
    for m in _SEPARATOR.finditer(sent, a, b):
        if any(s <= m.start() < e for s, e in blocked):
            continue
        return m.start()
    return b


def _sentence_events(sent: str, offset: int, frame: tuple[str, ...]) -> list[_Event]:
    dates = _parse_dates(sent)
    if not dates:
        return []
    mentions = _region_mentions(sent)
    groups = _groups(sent, mentions)
    blocked = [(s, e) for s, e, _, _ in groups]
    postpone = list(_POSTPONE.finditer(sent))
    last_postpone = postpone[-1].end() if postpone else -1
    original = _ORIGINAL.search(sent)

    # Split the text between consecutive dates: the part before the first separator trails
    # the earlier date ("10 January in the USA"), the rest leads into the later one.
    pres: list[tuple[int, int]] = []
    posts: list[tuple[int, int]] = []
    for i, d in enumerate(dates):
        if i == 0:
            pres.append((0, d.start))
        else:
            prev = dates[i - 1]
            cut = _first_separator(sent, prev.end, d.start, blocked)
            pres.append((cut, d.start))
        if i + 1 < len(dates):
            nxt = dates[i + 1]
            posts.append((d.end, _first_separator(sent, d.end, nxt.start, blocked)))
        else:
            posts.append((d.end, _first_separator(sent, d.end, len(sent), blocked)))

    events: list[_Event] = []
    prev_regions: tuple[str | None, ...] = ()
    prev_kind: EventKind | None = None
    respectively = _RESPECTIVELY.search(sent) is not None
    for i, d in enumerate(dates):
        pre_a, pre_b = pres[i]
        post_a, post_b = posts[i]
        moved = postpone and d.start > last_postpone
        if postpone and not moved:
            continue
        if original and not postpone and original.start() < d.start:
            continue
        if _BAD_BEFORE_DATE.search(sent[max(0, d.start - 30) : d.start]):
            if not (moved and re.search(r"\bto\s+$", sent[max(0, d.start - 5) : d.start])):
                continue
        if moved:
            pre_a = 0
        pre = sent[pre_a:pre_b]
        post = sent[post_a:post_b]
        window = pre + " " + post
        if _PROMO.search(window):
            continue
        kind = _kind(window)
        cue_ok = _nearest_cue_is_release(pre, post)
        if kind is None:
            if prev_kind is not None and len(pre.strip(" ,;&")) < 25:
                kind = prev_kind
            else:
                continue
        elif not cue_ok:
            continue
        if d.year_only and kind == "theatrical" and not _RELEASE_NEAR.search(window):
            continue
        regions = _regions_for(sent, d, pre_a, pre_b, post_a, post_b, groups)
        if not regions:
            if _NO_REGION.search(window):
                regions = (None,)
            elif prev_regions and len(pre.strip(" ,;&")) < 25 and not _THEATRICAL.search(pre):
                regions = prev_regions
            elif frame:
                regions = frame
            else:
                regions = (None,)
        prev_regions, prev_kind = regions, kind
        for day in d.days:
            events.append(
                _Event(d.year, d.month, day, regions, kind, offset + d.start, offset + d.end,
                       d.year is not None)
            )
    if respectively:
        events = _respectively(sent, events, groups, offset)
    # A bare year that only repeats a fuller date of the same sentence ("the 2016 Toronto
    # International Film Festival on 9 September 2016") is not an event of its own.
    full_years = {e.year for e in events if e.month is not None and e.year is not None}
    return [e for e in events if e.month is not None or e.year not in full_years]


_RELEASE_NEAR = re.compile(
    r"\b(?:[Rr]e-?released?|[Rr]eleas(?:e|ed|es|ing)|[Rr]e-?issued?|[Oo]pen(?:ed|s)|went into"
    r"|hit the|theatrical)\b"
)


def _kind(window: str) -> EventKind | None:
    """The event kind the window's words point to, or None when nothing says release."""
    if _OTHER.search(window):
        return "other"
    if _HOME.search(window):
        return "home_media"
    if _STREAM.search(window) and not _THEATRICAL_DEBUT.search(window):
        return "streaming"
    tv = _TV.search(window)
    if tv and (_PREMIERE.search(window) or _THEATRICAL.search(window) or _STRONG_TV.search(window)):
        return "tv"
    if _THEATRICAL_DEBUT.search(window):
        return "theatrical"
    if _PREMIERE.search(window):
        return "premiere"
    if _FESTIVAL.search(window) and (_THEATRICAL.search(window) or _FEST_VERB.search(window)):
        return "festival"
    if _THEATRICAL.search(window):
        return "theatrical"
    return None


_STRONG_TV = re.compile(r"\b(?:[Tt]elevision|[Tt]elecast|[Bb]roadcast|[Rr]ebroadcast|[Aa]ired)\b")
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


def _nearest_cue_is_release(pre: str, post: str) -> bool:
    """True unless a non-release word (announced, grossed, won...) sits nearer the date."""
    best_rel = _nearest(pre, post, _ANY_RELEASE)
    best_not = _nearest(pre, post, _NOT_RELEASE)
    if best_not is None:
        return True
    if best_rel is None:
        return False
    return best_rel <= best_not


def _nearest(pre: str, post: str, pattern: re.Pattern[str]) -> int | None:
    best: int | None = None
    for m in pattern.finditer(pre):
        dist = len(pre) - m.end()
        best = dist if best is None else min(best, dist)
    for m in pattern.finditer(post):
        dist = m.start()
        best = dist if best is None else min(best, dist)
    return best


_POST_LEAD = re.compile(r"\b(?:in|at|across|throughout|for|to)\b")


def _regions_for(
    sent: str,
    d: _Date,
    pre_a: int,
    pre_b: int,
    post_a: int,
    post_b: int,
    groups: list[tuple[int, int, tuple[str, ...], bool]],
) -> tuple[str | None, ...]:
    after = [g for g in groups if post_a <= g[0] and g[1] <= post_b]
    if after:
        gap = sent[post_a : after[0][0]]
        if len(gap) <= 50 and _POST_LEAD.search(gap):
            return after[0][2]
    before = [g for g in groups if pre_a <= g[0] and g[1] <= pre_b]
    if before:
        return before[-1][2]
    del d
    return ()


def _respectively(
    sent: str,
    events: list[_Event],
    groups: list[tuple[int, int, tuple[str, ...], bool]],
    offset: int,
) -> list[_Event]:
    """"in Taiwan and Hong Kong on 11 March and 21 April respectively": pair them in order."""
    dated = [e for e in events if e.month is not None]
    for g in groups:
        if len(g[2]) == len(dated) and len(dated) > 1 and offset + g[1] <= dated[0].start:
            for ev, code in zip(dated, g[2], strict=True):
                ev.regions = (code,)
            break
    del sent
    return events


def _resolve_year(
    ev: _Event,
    para: Sequence[_Event],
    para_start: int,
    para_end: int,
    anchors: list[tuple[int, int]],
    ctx: Context,
) -> int | None:
    """The year of a year-less date: sentence/paragraph context, publication date, or text."""
    assert ev.month is not None
    local = [(p, y) for p, y in anchors if para_start <= p < para_end]
    before = [(p, y) for p, y in local if p < ev.start]
    after = [(p, y) for p, y in local if p > ev.start]
    if before:
        year = before[-1][1]
        prev_full = [
            e for e in para if e.start < ev.start and e.explicit_year and e.month is not None
        ]
        # "10 November 2017 ... and 12 January" in one run of dates: the year rolls over.
        if (
            prev_full
            and prev_full[-1].year == year
            and ev.start - prev_full[-1].end < 120
            and (ev.month, ev.day or 0) < (prev_full[-1].month or 0, prev_full[-1].day or 0)
        ):
            return year + 1
        return year
    if after and after[0][0] - ev.end < 200:
        return after[0][1]
    if ctx.published is not None:
        return _next_occurrence(ctx.published, ev.month, ev.day)
    earlier = [y for p, y in anchors if p < para_start]
    if earlier:
        return earlier[-1]
    return None


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
            out.append(ReleaseEvent(ev.year, ev.month, ev.day, region, ev.kind, ev.start, ev.end))
    located = {
        (r.year, r.month, r.day) for r in out if r.region is not None and r.month is not None
    }
    return [
        r
        for r in out
        if not (r.region is None and r.month is not None and (r.year, r.month, r.day) in located)
    ]
