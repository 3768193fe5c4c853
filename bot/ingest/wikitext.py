"""A Wikipedia film article's wikitext to clean text and film facts, with mwparserfromhell.

Kept: the lead and the release, box-office, home-media and reception sections, as paragraphs
with headings on their own lines. References, comments, tables, files and most templates are
dropped; quotations and the text of text-carrying templates are kept; ''italics'' become
_italics_ (how titles are marked in our review text). The infobox gives the title, director,
cast and dated releases ({{Film date|2013|10|12|New York Film Festival|...}})."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass

import mwparserfromhell
from mwparserfromhell.nodes import (
    Argument,
    Comment,
    ExternalLink,
    Heading,
    HTMLEntity,
    Node,
    Tag,
    Template,
    Text,
    Wikilink,
)
from mwparserfromhell.wikicode import Wikicode

KEPT_SECTIONS = re.compile(
    r"release|box office|home media|home video|reception|critical|respon", re.I
)
_DROPPED_TAGS = frozenset(
    {"ref", "references", "gallery", "math", "timeline", "score", "graph", "imagemap", "table"}
)
_BLOCK_QUOTES = frozenset({"quote", "cquote", "quote box", "blockquote", "rquote", "quotation"})
# Templates whose last positional parameter is their visible text.
_TEXT_TEMPLATES = frozenset(
    {"nowrap", "nobr", "lang", "small", "em", "script", "transl", "smallcaps", "keep together",
     "noitalic", "title case", "nowrap begin", "abbr", "visible anchor", "vanchor", "anchor"}
)
_LITERALS = {
    "'": "'", "ndash": "–", "mdash": "—", "snd": " – ", "spaced ndash": " – ", "nbsp": " ",
    "\"'": "\"'", "'\"": "'\"", "-": "–", "--": "—", "dot": " · ", "middot": "·",
}
_CURRENCIES = {"usd": "$", "us$": "$", "inr": "₹", "gbp": "£", "£": "£", "eur": "€", "€": "€",
               "jpy": "¥", "yen": "¥", "cny": "CN¥", "aud": "A$", "cad": "CA$", "krw": "₩"}
_NEEDS_THE = re.compile(r"(?:United|Republic|Netherlands|Philippines|Czech Republic)\b")
_FESTIVAL = re.compile(r"festival|premiere|fest\b|market|biennale", re.I)


@dataclass(frozen=True, slots=True)
class Release:
    """A dated release from the infobox: date parts and where (a country or a festival)."""

    year: int
    month: int | None
    day: int | None
    place: str | None


@dataclass(frozen=True, slots=True)
class FilmFacts:
    """What a film article's infobox says."""

    title: str | None = None
    director: str | None = None
    cast: tuple[str, ...] = ()
    releases: tuple[Release, ...] = ()


def _name(template: Template) -> str:
    return " ".join(str(template.name).replace("_", " ").split()).lower()


def _positional(template: Template) -> list[str]:
    return [str(p.value).strip() for p in template.params if not p.showkey]


def _render_template(t: Template) -> str:
    name = _name(t)
    if name in _LITERALS:
        return _LITERALS[name]
    args = [render(p.value) for p in t.params if not p.showkey]
    if name in _TEXT_TEMPLATES:
        return args[-1] if args else ""
    if name in _CURRENCIES and args:
        return _CURRENCIES[name] + args[0]
    if name in _BLOCK_QUOTES:
        text = render(t.get("text").value) if t.has("text") else (args[0] if args else "")
        text = " ".join(text.split())
        return f"\n\n“{text}”\n\n" if text else ""
    if name in ("plainlist", "plain list", "flatlist", "unbulleted list", "ubl", "hlist"):
        items = args if name in ("unbulleted list", "ubl", "hlist") else args[:1]
        return "\n".join(items)
    if name in ("film date", "start date", "release date"):
        return "; ".join(_date_text(r) for r in film_dates(t))
    if name in ("convert", "cvt") and len(args) >= 2:
        return f"{args[0]} {args[1]}"
    if name in ("rotten tomatoes prose",) and len(args) >= 3:
        return (
            f"On Rotten Tomatoes, the film holds an approval rating of {args[0]}% based on "
            f"{args[2]} reviews, with an average rating of {args[1]}/10."
        )
    return ""


def _render_tag(tag: Tag) -> str:
    name = str(tag.tag).strip().lower()
    if name in _DROPPED_TAGS:
        return ""
    if name in ("br", "hr"):
        return "\n"
    inner = render(tag.contents) if tag.contents is not None else ""
    if tag.wiki_markup == "''":
        return f"_{inner}_" if inner.strip() else inner
    if name == "blockquote":
        text = " ".join(inner.split())
        return f"\n\n“{text}”\n\n" if text else ""
    return inner


def _render_node(node: Node) -> str:
    if isinstance(node, Text):
        return str(node.value)
    if isinstance(node, Wikilink):
        target = str(node.title).strip()
        if ":" in target and target.split(":", 1)[0].strip().lower() in (
            "file", "image", "category", "media",
        ):
            return ""
        return render(node.text) if node.text is not None else target.lstrip(":")
    if isinstance(node, ExternalLink):
        return render(node.title) if node.title is not None else ""
    if isinstance(node, Tag):
        return _render_tag(node)
    if isinstance(node, Template):
        return _render_template(node)
    if isinstance(node, HTMLEntity):
        return " " if node.normalize() == "\xa0" else node.normalize()
    if isinstance(node, Comment | Argument | Heading):
        return ""
    return str(node)


def render(code: Wikicode | str) -> str:
    """Wikitext (parsed or not) to plain text with _italics_, markup and references gone."""
    if isinstance(code, str):
        code = mwparserfromhell.parse(code)
    return "".join(_render_node(n) for n in code.nodes)


def _tidy(text: str) -> str:
    """Paragraphs of single-spaced text; list bullets and stray spaces before punctuation
    (left where references were) removed."""
    text = re.sub(r"\{\|.*?\|\}", "", text, flags=re.S)  # wiki tables
    paragraphs: list[str] = []
    for block in re.split(r"\n\s*\n", text):
        lines = [re.sub(r"^[*#:;]+\s*", "", line).strip() for line in block.split("\n")]
        para = " ".join(line for line in lines if line)
        para = re.sub(r"\s+([,.;:!?)])", r"\1", para)
        para = re.sub(r"\(\s*[,;]?\s*\)", "", para)
        para = re.sub(r"[ \t]{2,}", " ", para).strip()
        if not (para and re.search(r"\w", para)):
            continue
        if para.startswith("“") and paragraphs and paragraphs[-1].endswith(":"):
            paragraphs[-1] += " " + para  # a block quotation introduced by "X wrote:"
        else:
            paragraphs.append(para)
    return "\n\n".join(paragraphs)


def article_text(wikitext: str) -> str:
    """The lead and the release, box-office, home-media and reception sections as clean text;
    each heading on its own line, as in our Markdown articles. The infobox and other
    templates without prose render as nothing."""
    code = mwparserfromhell.parse(wikitext)
    lead, *sections = code.get_sections(levels=[2], include_lead=True)
    parts = [_tidy(render(lead))]
    for section in sections:
        if not KEPT_SECTIONS.search(str(section.filter_headings(recursive=False)[0].title)):
            continue
        for sub in section.get_sections(include_lead=False, flat=True):
            heading = sub.filter_headings(recursive=False)[0]
            body = _tidy(render(sub))
            if body:
                parts.append(" ".join(render(heading.title).split()).strip("_ ") + "\n\n" + body)
    return "\n\n".join(p for p in parts if p)


def film_dates(t: Template) -> list[Release]:
    """{{Film date|2013|10|12|New York Film Festival|2013|12|18|United States}}: dated
    releases by place, in groups of year, month, day, place."""
    args = _positional(t)
    out: list[Release] = []
    for i in range(0, len(args), 4):
        group = args[i : i + 4]
        year = _int(group[0]) if group else None
        if year is None:
            continue
        month = _int(group[1]) if len(group) > 1 else None
        day = _int(group[2]) if len(group) > 2 else None
        place = _place(group[3]) if len(group) > 3 else None
        out.append(Release(year, month if month and 1 <= month <= 12 else None, day, place))
    return out


def _place(raw: str) -> str | None:
    """A release's place as shown, or the festival a link points at ("[[Venice International
    Film Festival|Venice]]" is the festival, not the city)."""
    for link in mwparserfromhell.parse(raw).filter_wikilinks():
        target = " ".join(str(link.title).split())
        if _FESTIVAL.search(target):
            return target
    return " ".join(render(raw).split()) or None


def _int(value: str) -> int | None:
    value = value.strip()
    return int(value) if value.isdigit() else None


def _date_text(r: Release) -> str:
    day = str(r.day) if r.day and r.month else ""
    month = calendar.month_name[r.month] if r.month else ""
    return " ".join(p for p in (day, month, str(r.year)) if p)


def _names(value: Wikicode) -> tuple[str, ...]:
    text = render(value).replace("_", "")
    names = [" ".join(n.split()) for n in re.split(r"\n|<br\s*/?>|;|•|·", text)]
    return tuple(n.strip(" ,*") for n in names if n.strip(" ,*"))


def infobox(wikitext: str) -> FilmFacts:
    """Title, director, cast and dated releases from the article's {{Infobox film}}."""
    code = mwparserfromhell.parse(wikitext)
    box = next(
        (t for t in code.filter_templates(recursive=False) if _name(t).startswith("infobox")),
        None,
    )
    if box is None:
        return FilmFacts()

    def field(name: str) -> Wikicode | None:
        return box.get(name).value if box.has(name) and str(box.get(name).value).strip() else None

    title = field("name")
    director = field("director")
    starring = field("starring")
    released = field("released")
    releases: list[Release] = []
    if released is not None:
        for t in released.filter_templates():
            if _name(t) in ("film date", "start date", "release date"):
                releases.extend(film_dates(t))
    return FilmFacts(
        title=(" ".join(render(title).replace("_", "").split()) or None) if title else None,
        director=(", ".join(_names(director)) or None) if director else None,
        cast=_names(starring) if starring else (),
        releases=tuple(releases),
    )


def release_sentences(title: str, releases: tuple[Release, ...]) -> str:
    """The infobox's releases as a sentence each, so that release extraction reads them like
    any other: "Her premiered at the New York Film Festival on 12 October 2013."."""
    out = []
    for r in releases:
        when = ("on " if r.day and r.month else "in ") + _date_text(r)
        if r.place and _FESTIVAL.search(r.place):
            out.append(f"_{title}_ premiered at the {r.place.removeprefix('the ')} {when}.")
        elif r.place:
            the = "the " if _NEEDS_THE.match(r.place) else ""
            out.append(f"_{title}_ was released in {the}{r.place} {when}.")
        else:
            out.append(f"_{title}_ was released {when}.")
    return " ".join(out)
