"""Quoted spans, their kind (critic / dialogue / other) and, for critic quotes, who said it.

Every double-quoted span (straight or curly, nested ones too) is found line by line with the
same pairing rules the sentence splitter uses; a quote left open closes at the end of its
sentence. Each quote is then classified from its sentence:

- overrides first: titles ("the song "X""), words under discussion, grades and ratings are
  `other`; lines spoken in the film ("exclaims", "met with a ...") are `dialogue`;
- otherwise the nearest *attribution anchor* decides: a critic with an outlet ("X of Y",
  "Y's X", "Y critic X", "writing for Y"), an outlet alone, a critic followed by a verb of
  saying, an aggregator consensus, or a pronoun ("He praised ...") that carries the previous
  sentence's attribution. Anchors naming cast or crew (from the lead's credits and role words
  like "director") make a quote `other`; a quote with no anchor at all is `other`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.extract.outlets import AMBIGUOUS_OUTLETS, canonical_outlet
from bot.extract.sentences import quote_pairs
from bot.extract.types import Context, Quote, QuoteKind, Sentence

# --- word lists -----------------------------------------------------------------------------

_SAY_VERBS = (
    r"(?:said|says|say|wrote|writes|write|called|calls|call|described|describes|describing|"
    r"praised|praises|praising|felt|feels|found|finds|thought|thinks|stated|states|stating|"
    r"declared|declares|commented|comments|commenting|opined|opines|criticized|criticised|"
    r"criticizes|criticises|concluded|concludes|noted|notes|noting|observed|observes|added|"
    r"adds|adding|remarked|remarks|lauded|lauds|hailed|hails|dubbed|dubs|labeled|labelled|"
    r"summarized|summarised|summed|gave|gives|giving|considered|considers|deemed|deems|"
    r"argued|argues|asserted|asserts|claimed|claims|complained|complains|suggested|"
    r"suggests|wondered|admitted|admits|reassures|reassured|assesses|assessed|agreed|"
    r"agrees|disagreed|warned|warns|quipped|quips|mused|muses|singled|calling|saying|"
    r"writing|panned|pans|slammed|slams|applauded|applauds|commended|commends|credited|"
    r"credits|liked|likes|loved|loves|enjoyed|enjoys|disliked|dislikes|likened|likens|"
    r"compared|compares|rated|rates|rating|judged|reckoned|recommended|recommends|reported|"
    r"reports|highlighted|highlights|pointed|points|explained|explains|declaring|"
    r"described|characterized|characterised|characterizing|referred|refers|"
    r"welcomed|reviewed|reviews|lamented|laments|acknowledged|acknowledges|deplored|"
    r"denounced|dismissed|dismisses|celebrated|celebrates|ranked|ranks|listed|lists|"
    r"named|took|takes|echoed|echoes|reflected|recalled|recalls|remembered|continued|"
    r"continues|elaborated|insisted|insists|predicted|proclaimed|proclaims|responded|"
    r"summarizing|summarising|finding|feeling|concluding|adding|terming|termed|terms|"
    r"branded|brands|questioned|questions|singling|awarding|awarded|awards|found)"
)
_SAY_RE = re.compile(rf"\b{_SAY_VERBS}\b", re.IGNORECASE)
_ADVERBS = r"(?:also|further|later|then|even|too|however|similarly|likewise|additionally|" \
    r"particularly|especially|specifically|strongly|highly|generally|was|were|had|has|have)"
_SUBJECT_VERB = re.compile(rf"^[\s,]*(?:{_ADVERBS}\s+){{0,3}}{_SAY_VERBS}\b", re.IGNORECASE)

_CREW_ROLES = re.compile(
    r"\b(?:director|directors|filmmaker|filmmakers|film-maker|producer|producers|co-producer|"
    r"screenwriter|screenwriters|scriptwriter|co-writer|actor|actors|actress|actresses|"
    r"co-star|composer|cinematographer|choreographer|animator|"
    r"executive|executives|chairman|chairwoman|president|ceo|spokesperson|spokesman|"
    r"spokeswoman|creator|co-creator|showrunner|distributor|studio|designer|editor|"
    r"lyricist|singer|musician|rapper|comedian|politician|minister|senator|congressman|"
    r"official|officials|founder|co-founder|manager|agent|lawyer|attorney|judge|analyst|"
    r"writer-director|director-writer|author of the (?:novel|book|comic|story)|"
    r"(?:comic book |comic-book )?writer and director|head|chief|governor|mayor|pope|"
    r"leader|officer|colleague|wife|husband|son|daughter|father|mother|brother|sister|"
    r"cast member|cast|crew)\b",
    re.IGNORECASE,
)
_CRITIC_ROLES = re.compile(
    r"\b(?:critic|critics|reviewer|reviewers|columnist|film writer|reviewing partner|"
    r"contributor|journalist|blogger|essayist|historian|scholar|academic|professor|"
    r"novelist|editor-in-chief|commentator|writer for|writing for|wrote for|writes for)\b",
    re.IGNORECASE,
)
_GENERIC_CRITICS = re.compile(
    r"\b(?:critics|reviewers|several critics|many critics|some critics|commentators|"
    r"the critics|film critics|one critic|another critic|one reviewer|the reviewer|"
    r"the critic|a critic|a reviewer|reviews|review)\b",
    re.IGNORECASE,
)
_CARRY = re.compile(
    r"(?:^|(?<=[\s,;(]))(?:he|she|they|it|the critic|the reviewer|the review|the magazine|"
    r"the newspaper|the paper|the publication|the website|the site|the outlet|his review|"
    r"her review|their review|the writer|the columnist|the journal|the daily)\b"
    rf"(?=[\s,]+(?:{_ADVERBS}\s+){{0,3}}{_SAY_VERBS}\b)",
    re.IGNORECASE,
)
_CONSENSUS = re.compile(
    r"\b(?:critic(?:al|s|s')?\s+consensus|(?:site|website)(?:'s|’s)\s+consensus|"
    r"consensus\s+(?:reads|states|says|summarizes|summarises))",
    re.IGNORECASE,
)
_AGGREGATOR_OTHER = frozenset({"CinemaScore", "PostTrak", "Box Office Mojo", "IMDb"})

# A quote that names something rather than evaluating it.
_TITLE_BEFORE = re.compile(
    r"(?:\b(?:titled|entitled|named|renamed|retitled|known as|song|songs|single|singles|"
    r"track|tracks|episode|episodes|chapter|chapters|album|poem|segment|tagline|tag line|"
    r"slogan|word|words|term|terms|phrase|catchphrase|nickname|nicknamed|codenamed|"
    r"code-named|the title|title|theme|number|hit|ballad|anthem|soundtrack|lyrics|"
    r"program|programme|series|show|sequence|scene|act|play|article|essay|column|list|"
    r"feature|campaign|brand|label|category|award|prize|honou?r|section|festival|"
    r"rating|ratings|certificate|grade|grades|rated|an?|the|his|her|its|their|for|in|"
    r"and|or|with|of|as|from)\s*[,:]?\s*)$",
    re.IGNORECASE,
)
_STRONG_TITLE_BEFORE = re.compile(
    r"\b(?:titled|entitled|named|renamed|retitled|known as|song|songs|single|track|"
    r"episode|episodes|chapter|album|poem|tagline|tag line|slogan|the word|the words|"
    r"the term|the phrase|catchphrase|nickname|nicknamed|codenamed|code-named|"
    r"the title|its title|a title|an? (?:\w+ )?rating of|(?:an? )?(?:\w+ )?grade of|"
    r"(?:rated|rating|certificate|classification)(?: of)?(?: an?)?|"
    r"(?:his|her|their|the|its) (?:\d{4} )?(?:article|essay|column|book|list|"
    r"series|segment|feature|piece)|(?:the|its|a|an) (?:\w+ )?(?:song|single|number|"
    r"track|ballad|anthem|theme|hit|cover|episode|award|category|section|programme|"
    r"program|show|sequel|film|movie|documentary|play|novel|story|short))\s*[,:]?\s*$",
    re.IGNORECASE,
)
_WORD_AFTER = re.compile(
    r"^\W{0,3}\s*(?:is|was|being|as)\s+(?:\w+\s+){0,2}(?:a |the )?(?:word|term|phrase|"
    r"title|name|song|single|rating|grade)\b|^\W{0,3}\s*(?:rating|grade|certificate|"
    r"song|single|track|episode|segment|award|category|section|list|series|programme|"
    r"program|label|slogan|tagline|campaign|feature|– song|- song)\b",
    re.IGNORECASE,
)
_GRADE = re.compile(r"(?:[A-F][+\-−–]?|PG|PG-13|NC-17|R|X|U|UA|G|12A?|15|18|M|MA15\+?)")
_RATING_CONTEXT = re.compile(
    r"\b(?:CinemaScore|PostTrak|MPAA|BBFC|rating|rated|certificate|certified|"
    r"classification|censor|censors|board|grade|polled|audiences?)\b",
    re.IGNORECASE,
)
_DIALOGUE_BEFORE = re.compile(
    r"(?:\b(?:exclaims?|exclaimed|shouts?|shouted|yells?|yelled|screams?|screamed|"
    r"whispers?|whispered|tells (?:him|her|them)|told (?:him|her|them)|replies|replied|"
    r"responds|answers|answered|retorts|retorted|asks|asked (?:him|her)|line|lines|"
    r"catchphrase|catch-phrase|dialogue|the character says|mutters|muttered|"
    r"cries|cried|met with (?:a|an|the)(?: [\w-]+){0,3}|(?:famous|memorable|iconic) "
    r"(?:line|quote|words))\s*[,:]?\s*)$",
    re.IGNORECASE,
)
_FIRST_PERSON = re.compile(r"\b(?:I|I'm|I've|I'd|we|We|we're|our|Our|my|My|me)\b")

# --- mentions: outlets and people ------------------------------------------------------------

_ITALIC = re.compile(r"(?<![\w_])_(?=\S)([^_\n]+?)(?<=\S)_(?![\w_])")
_NAME_TOKEN = r"(?:[A-Z](?:[^\W_]|['’.\-](?=[^\W_]))*\.?)"
_CAP_RUN = re.compile(
    rf"{_NAME_TOKEN}(?:\s+(?:(?:de|da|del|della|di|du|van|von|der|den|le|la|ul|bin|al|el|"
    rf"of|the|and|&|for)\s+)*{_NAME_TOKEN})*"
)
_NOT_NAME_START = frozenset(
    ["The", "A", "An", "In", "On", "At", "As", "After", "Before", "During", "When", "While", "However", "Although", "Though", "But", "And", "For", "With", "By", "From", "Despite", "Following", "Upon", "According", "Its", "It", "It's", "He", "She", "They", "His", "Her", "Their", "This", "That", "These", "Those", "There", "Critics", "Critic", "Reviewer", "Reviewers", "Film", "Director", "Writer", "Writing", "Reviewing", "Review", "Audiences", "Many", "Some", "Several", "Both", "One", "Overall", "Meanwhile", "Later", "Earlier", "Then", "Also", "Additionally", "Furthermore", "Moreover", "Yet", "So", "What", "How", "Why", "Who", "If", "Since", "Until", "Unlike", "Like", "Based", "Most", "Other", "Others", "Another", "Each", "Every", "No", "Not", "Even", "Only", "Describing", "Calling", "Praising", "Observing", "Noting", "Comparing", "Reminiscing", "Revisiting", "Rating", "Giving", "Speaking", "Summing", "Despite", "Among", "Between", "Upon", "Via", "Over", "Under", "Into", "Several", "Positive", "Negative", "Mixed", "Contemporary", "Retrospective", "Modern", "Early", "American", "British", "Indian"]
)
_MONTHS = frozenset(
    ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
)
_NOT_OUTLET_ORGS = frozenset(
    ["warner", "bros", "disney", "paramount", "universal", "sony", "netflix", "amazon", "lionsgate", "fox", "mgm", "columbia", "dc", "marvel", "pixar", "dreamworks", "miramax", "a24", "hbo", "focus", "features", "new", "line", "cinema", "studios", "library", "of", "congress", "academy"]
)
_OUTLETISH_TAIL = re.compile(
    r"(?:Magazine|Times|News|Post|Journal|Review|Tribune|Herald|Weekly|Daily|Chronicle|"
    r"Gazette|\.com|\.net|\.org|\.in|Express|Mirror|Reporter|Online|Digest|Monthly|Guide|"
    r"Standard|Observer|Telegraph|Independent|Today|Mail|Star|Sun|Fest|Place|Radio|TV)$"
)


@dataclass(frozen=True, slots=True)
class _Anchor:
    """A place in a sentence that says who is speaking."""

    pos: int  # where the anchor ends, relative to the sentence
    start: int
    kind: str  # "critic" | "crew" | "other" | "carry"
    critic: str | None = None
    outlet: str | None = None


@dataclass(slots=True)
class _Doc:
    """Per-text knowledge built once: crew names, full names, critic -> outlet."""

    crew: set[str]
    full_names: dict[str, str]
    critic_outlet: dict[str, str]
    film_titles: set[str]


def _norm_space(s: str) -> str:
    return " ".join(s.split())


def _outlet_of(name: str, *, in_italics: bool, context_ok: bool) -> str | None:
    """Canonical outlet for `name`, honouring the ambiguity list (see outlets.AMBIGUOUS)."""
    name = name.strip(" ,.;:")
    if name.startswith("The ") and canonical_outlet(name) is None:
        name = name[4:]
    canon = canonical_outlet(name)
    if canon is None:
        return None
    if not in_italics and not context_ok and (
        name in AMBIGUOUS_OUTLETS or canon in AMBIGUOUS_OUTLETS
    ):
        return None
    return canon


def _looks_person(run: str) -> bool:
    tokens = run.split()
    if len(tokens) < 2 or len(tokens) > 5:
        return False
    if tokens[0] in _NOT_NAME_START or tokens[0] in _MONTHS:
        return False
    if any(t in {"of", "the", "and", "&", "for"} for t in tokens):
        return False
    full = [t for t in tokens if len(t.rstrip(".")) > 1 and not t.endswith(".")]
    if not full:
        return False
    if any(t.rstrip(".").isupper() and len(t.rstrip(".")) > 3 for t in tokens):
        return False
    return canonical_outlet(run) is None


_CREDITS = re.compile(
    r"\b(?:directed|produced|written|co-written|scripted|composed|edited|photographed|shot|"
    r"created|narrated|choreographed|co-produced|co-directed|based on [^.]{0,80}? by)"
    r"(?: and (?:directed|produced|written|edited))?\s+by\s+"
    r"((?:[A-Z][\w.'’\-]*\s?)+(?:(?:,\s*|,?\s+and\s+)(?:[A-Z][\w.'’\-]*\s?)+)*)"
    r"|\b(?:stars|starring|starred|co-stars|features|featuring)\s+"
    r"((?:[A-Z][\w.'’\-]*\s?)+(?:(?:,\s*|,?\s+and\s+)(?:[A-Z][\w.'’\-]*\s?)+)*)"
)
_ROLE_NAME = re.compile(
    rf"{_CREW_ROLES.pattern}(?:\s+and\s+[\w\- ]{{1,30}}?)?,?\s+"
    rf"({_NAME_TOKEN}(?:\s+{_NAME_TOKEN}){{1,3}})",
    re.IGNORECASE,
)
_CRITIC_NAME = re.compile(
    rf"{_CRITIC_ROLES.pattern}\s+({_NAME_TOKEN}(?:\s+{_NAME_TOKEN}){{1,3}})",
    re.IGNORECASE,
)
_ALL_NAMES = re.compile(rf"{_NAME_TOKEN}(?:\s+(?:(?:de|van|von|der|ul|da|di|le|la)\s+)?"
                        rf"{_NAME_TOKEN}){{1,4}}")


def _surname(name: str) -> str:
    parts = [p for p in name.split() if p not in {"Jr.", "Jr", "Sr.", "III", "II"}]
    return parts[-1] if parts else name


def _build_doc(text: str, ctx: Context) -> _Doc:
    """Collect crew and cast (lead credits, role words), full names and film titles."""
    crew: set[str] = set()
    for m in _CREDITS.finditer(text):
        names = m.group(1) or m.group(2) or ""
        for part in re.split(r",\s*|\s+and\s+", names):
            part = part.strip()
            if part and part.split()[0] not in _NOT_NAME_START:
                crew.add(part)
                crew.add(_surname(part))
    critics: set[str] = set()
    for m in _CRITIC_NAME.finditer(text):
        critics.add(m.group(1).strip())
    for m in _ROLE_NAME.finditer(text):
        name = m.group(1).strip()
        role = text[m.start() : m.start(1)].lower()
        if "critic" in role or "review" in role or name in critics:
            continue
        if role.split()[0] in {"head", "chief", "star", "stars", "cast", "editor"}:
            continue  # too often "star critic", "cast doubt", "editor of Variety"
        if _looks_person(name):
            crew.add(name)
            crew.add(_surname(name))
    full_names: dict[str, str] = {}
    for m in _ALL_NAMES.finditer(text):
        name = m.group(0)
        if _looks_person(name):
            full_names.setdefault(_surname(name), name)
    titles: set[str] = set()
    first = _ITALIC.search(text)
    if first:
        titles.add(_norm_space(first.group(1)))
    if ctx.film:
        titles.add(ctx.film)
    for m in re.finditer(r"_([^_\n]+)_\s*\((?:\d{4}|film)", text):
        titles.add(_norm_space(m.group(1)))
    return _Doc(crew=crew, full_names=full_names, critic_outlet={}, film_titles=titles)


def _resolve(name: str, doc: _Doc) -> str:
    """The fullest form of a critic's name used in the text ("Ebert" -> "Roger Ebert")."""
    name = _norm_space(name.strip(" ,.;:"))
    if " " not in name:
        return doc.full_names.get(name, name)
    return name


def _is_crew(name: str, doc: _Doc) -> bool:
    return name in doc.crew or _surname(name) in doc.crew


_PREP_BEFORE = re.compile(r"(?:\bof|\bfor|\bin|\bfrom|\bto|\bat|\bby|\bwith)\s+(?:the\s+)?$",
                          re.IGNORECASE)
_OUTLET_AFTER_OK = re.compile(r"^(?:'s|’s|\s+(?:magazine|newspaper|critic|reviewer|writer|"
                              r"columnist|review|website|gave|called|wrote|said|described|"
                              r"praised|felt|found|thought|stated|noted|opined))\b")


def _outlet_mentions(s: str, doc: _Doc) -> list[tuple[int, int, str]]:
    """Outlets named in sentence `s`: (start, end, canonical or as-written name)."""
    found: list[tuple[int, int, str]] = []
    taken: list[tuple[int, int]] = []
    for m in _ITALIC.finditer(s):
        inner = _norm_space(m.group(1))
        canon = _outlet_of(inner, in_italics=True, context_ok=True)
        before = s[max(0, m.start() - 40) : m.start()]
        after = s[m.end() : m.end() + 40]
        if canon is None and inner not in doc.film_titles:
            # An unlisted italic publication: "X of _Y_", "for _Y_", "_Y_'s critic X".
            prev_is_name = re.search(
                rf"{_NAME_TOKEN}\s+(?:of|from)\s+(?:the\s+)?(?:The\s+)?$", before
            )
            writing_for = re.search(
                r"(?:writing|writes|wrote|review|reviewing|column|critic)\s+(?:for|in)\s+"
                r"(?:the\s+)?(?:The\s+)?$|\b(?:his|her|their)\s+(?:\d{4}\s+)?(?:book|"
                r"review|column)\s*,?\s*$",
                before,
                re.IGNORECASE,
            )
            owns = re.match(
                rf"(?:'s|’s)\s+(?:(?:film|movie)\s+)?(?:critic\s+|reviewer\s+)?{_NAME_TOKEN}"
                rf"\s+{_NAME_TOKEN}|\s+(?:critic|reviewer|magazine|newspaper)\b",
                after,
            )
            subject = re.match(rf"\s+(?:\w+\s+)?{_SAY_VERBS}\b", after) and not re.search(
                r"\b(?:film|movie)\s*$", before
            )
            if prev_is_name or writing_for or owns or (subject and m.start() <= 4):
                canon = inner
        if canon is not None:
            start = m.start()
            if s[max(0, start - 4) : start] == "The ":
                start -= 4
            found.append((start, m.end(), canon))
        taken.append((m.start(), m.end()))
    for m in _CAP_RUN.finditer(s):
        if any(a <= m.start() < b for a, b in taken):
            continue
        run = m.group(0)
        tokens = run.split()
        offs = [mm.start() for mm in re.finditer(r"\S+", run)]
        best: tuple[int, int, str] | None = None
        # longest sub-run that is a listed outlet
        for i in range(len(tokens)):
            for j in range(len(tokens), i, -1):
                cand = " ".join(tokens[i:j]).rstrip(".,")
                if cand.endswith(("'s", "’s")):
                    cand = cand[:-2]
                a = m.start() + offs[i]
                b = a + len(cand)
                ctx_ok = bool(_PREP_BEFORE.search(s[max(0, a - 12) : a])) or bool(
                    _OUTLET_AFTER_OK.match(s[b : b + 14])
                )
                canon = _outlet_of(cand, in_italics=False, context_ok=ctx_ok)
                if canon:
                    best = (a, b, canon)
                    break
            if best:
                break
        if best:
            found.append(best)
    found.sort()
    return found


def _person_mentions(s: str, outlets: list[tuple[int, int, str]], doc: _Doc
                     ) -> list[tuple[int, int, str]]:
    """People named in `s` (multi-word names, or a surname seen in full earlier)."""
    out: list[tuple[int, int, str]] = []
    for m in _ALL_NAMES.finditer(s):
        if any(a < m.end() and m.start() < b for a, b, _ in outlets):
            # trim an outlet glued to the name ("Variety Peter Debruge")
            continue
        name = m.group(0).rstrip(".,")
        tokens = name.split()
        if tokens and tokens[0].endswith(("'s", "’s")):
            tokens = tokens[1:]
        while tokens and (tokens[0] in _NOT_NAME_START or tokens[0] in _MONTHS):
            tokens = tokens[1:]
        if not tokens:
            continue
        name2 = " ".join(tokens)
        start = m.start() + (len(name) - len(name2))
        if len(tokens) >= 2 and _looks_person(name2):
            out.append((start, start + len(name2), name2))
    # single surnames known from earlier full mentions ("Kenny praised ...")
    for m in re.finditer(r"\b[A-Z][\w'’\-]+\b", s):
        w = m.group(0)
        if w in doc.full_names and not any(a <= m.start() < b for a, b, _ in out):
            if any(a <= m.start() < b for a, b, _ in outlets):
                continue
            out.append((m.start(), m.end(), w))
    out.sort()
    return out


def _anchors(s: str, doc: _Doc, qspans: list[tuple[int, int]]) -> list[_Anchor]:
    """Attribution anchors in sentence `s` (positions relative to it)."""
    outlets = _outlet_mentions(s, doc)
    people = _person_mentions(s, outlets, doc)
    anchors: list[_Anchor] = []

    def in_quote(pos: int) -> bool:
        return any(a <= pos < b for a, b in qspans)

    used_people: set[int] = set()
    for oa, ob, outlet in outlets:
        if in_quote(oa):
            continue
        if outlet in _AGGREGATOR_OTHER:
            anchors.append(_Anchor(ob, oa, "other", None, outlet))
            continue
        critic: str | None = None
        start, end = oa, ob
        # "P of (the) O", "P from O", "P, writing for O", "P (O)", "P for O"
        for pa, pb, person in people:
            gap = s[pb:oa]
            if pb <= oa and re.fullmatch(
                r"\s*(?:,\s*)?(?:\(|of|from|for|at|in|,?\s*(?:who\s+)?(?:writing|writes|wrote|"
                r"reviewing|reviewed)\s+(?:for|in)|,\s*(?:a\s+)?(?:film\s+)?(?:critic|"
                r"reviewer|writer|columnist)\s+(?:for|at|of|with))\s*(?:the\s+)?",
                gap,
                re.IGNORECASE,
            ):
                critic, start = person, pa
                used_people.add(pa)
            elif pa >= ob and re.fullmatch(
                r"(?:'s|’s|\s+(?:film\s+|movie\s+|chief\s+|senior\s+)?(?:critic|reviewer|"
                r"writer|columnist|contributor)|'s\s+(?:film\s+|movie\s+|chief\s+)?"
                r"(?:critic|reviewer|writer|columnist)|’s\s+(?:film\s+|movie\s+)?"
                r"(?:critic|reviewer|writer))\s*,?\s*",
                s[ob:pa],
                re.IGNORECASE,
            ):
                critic, end = person, pb
                used_people.add(pa)
        if critic:
            critic = _resolve(critic, doc)
            doc.critic_outlet.setdefault(critic, outlet)
        anchors.append(_Anchor(end, start, "critic", critic, outlet))
    for pa, pb, person in people:
        if pa in used_people or in_quote(pa):
            continue
        before = s[max(0, pa - 60) : pa]
        after = s[pb : pb + 60]
        said_after = _SUBJECT_VERB.match(re.sub(r"^,\s*who\s+", " ", after)) or re.match(
            r"^\s*(?:,[^,\"“]{0,60},\s*)" + _SAY_VERBS, after
        )
        by_before = re.search(
            r"\b(?:by|according to|in the words of|per)\s+(?:\w+\s+){0,3}$",
            before,
            re.IGNORECASE,
        ) or re.search(r"[\"”]\s*,?\s*" + _SAY_VERBS + r"\s+(?:\w+\s+){0,3}$", before)
        role_before = _CRITIC_ROLES.search(before[-30:])
        crew_before = _CREW_ROLES.search(before[-35:])
        full = _resolve(person, doc)
        if not (said_after or by_before or role_before):
            continue
        if _is_crew(full, doc) or (crew_before and not role_before):
            anchors.append(_Anchor(pb, pa, "crew", full, None))
        else:
            anchors.append(_Anchor(pb, pa, "critic", full, doc.critic_outlet.get(full)))
    for m in _CONSENSUS.finditer(s):
        anchors.append(_Anchor(m.end(), m.start(), "critic", None, "Rotten Tomatoes"))
    for m in _CARRY.finditer(s):
        if not in_quote(m.start()):
            anchors.append(_Anchor(m.end(), m.start(), "carry"))
    for m in _GENERIC_CRITICS.finditer(s):
        if not in_quote(m.start()) and not any(a.start <= m.start() < a.pos for a in anchors):
            anchors.append(_Anchor(m.end(), m.start(), "generic"))
    for m in _CREW_ROLES.finditer(s):
        if in_quote(m.start()) or any(a.start <= m.start() < a.pos + 3 for a in anchors):
            continue
        tail = s[m.end() : m.end() + 50]
        if _SUBJECT_VERB.match(tail) or re.match(r"^\s*(?:\w+\s+){0,2}(?:said|says|stated)\b",
                                                 tail):
            anchors.append(_Anchor(m.end(), m.start(), "crew"))
    anchors.sort(key=lambda a: a.pos)
    return _merge(anchors, s)


def _merge(anchors: list[_Anchor], s: str) -> list[_Anchor]:
    """Give a critic without an outlet the outlet named next to it in the same sentence
    ("In a review for _Y_, X wrote", "X, writing for _Y_, called it")."""
    out: list[_Anchor] = []
    for i, a in enumerate(anchors):
        if a.kind == "critic" and a.critic and a.outlet is None:
            prev = next((b for b in reversed(anchors[:i]) if b.kind == "critic"), None)
            nxt = next((b for b in anchors[i + 1 :] if b.kind == "critic"), None)
            if (
                prev is not None
                and prev.critic is None
                and prev.outlet
                and re.fullmatch(r"[\s,]*(?:(?:where|in which|whose|with)\s+)?",
                                 s[prev.pos : a.start])
            ):
                out = [b for b in out if b is not prev]
                a = _Anchor(a.pos, prev.start, "critic", a.critic, prev.outlet)
            elif (
                nxt is not None
                and nxt.critic is None
                and nxt.outlet
                and re.fullmatch(
                    r"[\s,]*(?:who\s+)?(?:writing|writes|wrote|reviewing|reviewed)\s+(?:it\s+)?"
                    r"(?:for|in)\s+(?:the\s+)?(?:[A-Z][\w]+(?:'s|’s)\s+)?",
                    s[a.pos : nxt.start],
                    re.IGNORECASE,
                )
            ):
                a = _Anchor(nxt.pos, a.start, "critic", a.critic, nxt.outlet)
        out.append(a)
    return out


def _pick(anchors: list[_Anchor], qs: int, qe: int, s: str) -> _Anchor | None:
    """The anchor that governs the quote at [qs, qe) of sentence `s`."""
    after = s[qe:]
    m = re.match(r"^[\s,]*(?:[-–—]\s*|\b(?:" + _SAY_VERBS + r"|according to)\b)", after,
                 re.IGNORECASE)
    if m:
        follow = [a for a in anchors if qe <= a.start <= qe + len(m.group(0)) + 40
                  and a.kind in {"critic", "crew"}]
        if follow:
            return follow[0]
    before = [a for a in anchors if a.pos <= qs and a.kind != "generic"]
    if before:
        return before[-1]
    later = [a for a in anchors if a.start >= qe and a.kind != "generic"]
    if later:
        return later[0]
    generic = [a for a in anchors if a.kind == "generic" and a.pos <= qs]
    return generic[-1] if generic else None


def _override(s: str, qs: int, qe: int, inner: str) -> QuoteKind | None:
    """Kinds fixed by the quote's own shape or its immediate neighbours."""
    before = s[max(0, qs - 1 - 60) : max(0, qs - 1)]
    after = s[qe + 1 : qe + 60]
    stripped = inner.strip().rstrip(".,;:!?")
    if _DIALOGUE_BEFORE.search(before):
        return "dialogue"
    if _GRADE.fullmatch(stripped) and _RATING_CONTEXT.search(s):
        return "other"
    if _STRONG_TITLE_BEFORE.search(before) or _WORD_AFTER.search(after):
        return "other"
    return None


_SMALL_WORDS = frozenset(["a", "an", "the", "of", "and", "or", "in", "on", "at", "to", "for", "with", "from", "by", "as", "vs"])


def _title_like(inner: str) -> bool:
    """A short span of capitalised words ("Great Movies", "The Burning Hell.") names a title."""
    words = inner.strip().rstrip(".,!?:;").split()
    if not words or len(words) > 6 or len(inner.strip()) < 3:
        return False
    if any(w[:1] in "\"'“‘[(" for w in words):
        return False
    caps = [w for w in words if w.lower() not in _SMALL_WORDS or w is words[0]]
    return all(w[:1].isupper() or w[:1].isdigit() for w in caps) and not inner.isupper()


def _section_kind(line: str) -> str | None:
    """'critical' / 'other' for a heading line, None for a line that is not a heading."""
    words = line.split()
    if not words or len(words) > 6 or line.rstrip()[-1:] in ".:!?,;\"”" or "|" in line:
        return None
    low = line.lower()
    if re.search(r"recep|critic|review|response|reaction|acclaim|assessment|legacy|retro",
                 low):
        return "critical"
    return "other"


def find_quotes(text: str, sentences: list[Sentence], ctx: Context) -> list[Quote]:
    """Every double-quoted span in order, classified critic / dialogue / other with attribution.

    Spans come from `sentences.quote_pairs` per line (so nesting and unclosed quotes agree with
    the splitter); attribution reads the quote's sentence and carries from the previous one."""
    if '"' not in text and "“" not in text:
        return []
    doc = _build_doc(text, ctx)
    starts = [s.start for s in sentences]
    spans: list[tuple[int, int, int]] = []  # (quote start, quote end, sentence index)
    base = 0
    import bisect

    for raw in text.splitlines(keepends=True):
        if '"' in raw or "“" in raw:
            line = raw.rstrip("\r\n")
            pairs, unclosed = quote_pairs(line)
            for o, c in pairs:
                if c > o + 1:
                    si = bisect.bisect_right(starts, base + o) - 1
                    spans.append((base + o + 1, base + c, si))
            for o in unclosed:
                si = bisect.bisect_right(starts, base + o) - 1
                if si < 0:
                    continue
                end = sentences[si].end
                if end > base + o + 1 and text[base + o + 1 : end].strip():
                    spans.append((base + o + 1, end, si))
        base += len(raw)
    spans.sort()
    by_sentence: dict[int, list[tuple[int, int]]] = {}
    for qs, qe, si in spans:
        by_sentence.setdefault(si, []).append((qs, qe))

    section: str | None = None
    last: _Anchor | None = None  # the last attribution seen, for "He praised ..."
    results: dict[tuple[int, int], Quote] = {}
    for si, sent in enumerate(sentences):
        if sent.line_start and sent.text == sent.line.strip():
            kind = _section_kind(sent.text)
            if kind is not None:
                section = kind
                last = None
                continue
        quotes_here = by_sentence.get(si)
        s = sent.text
        if not quotes_here:
            if last is not None and sent.line_start:
                last = None if not re.match(r"^(?:He|She|They|It|The)\b", s) else last
            continue
        rel = [(qs - sent.start, qe - sent.start) for qs, qe in quotes_here]
        anchors = _anchors(s, doc, [(a - 1, b + 1) for a, b in rel])
        for (qs, qe), (rs, re_) in zip(quotes_here, rel, strict=True):
            inner = text[qs:qe]
            kind_o = _override(s, rs, re_, inner)
            anchor = _pick(anchors, rs, re_, s)
            resolved = anchor
            if anchor is not None and anchor.kind == "carry":
                same = [a for a in anchors if a.kind in {"critic", "crew", "other"}
                        and a.pos <= anchor.start]
                resolved = same[-1] if same else last
            elif anchor is not None and anchor.kind == "generic":
                resolved = _Anchor(anchor.pos, anchor.start, "critic")
            quote: Quote
            nested = any(a < qs and qe < b for a, b in quotes_here)
            if kind_o is None and (nested or _title_like(inner)):
                kind_o = "other"
            if kind_o is not None:
                quote = Quote(inner, qs, qe, kind_o)
            elif resolved is None or resolved.kind not in {"critic"}:
                quote = Quote(inner, qs, qe, "other")
            else:
                quote = Quote(inner, qs, qe, "critic", resolved.critic, resolved.outlet)
            results[(qs, qe)] = quote
        real = [a for a in anchors if a.kind in {"critic", "crew", "other"}]
        if real:
            last = real[-1]
        elif any(a.kind == "generic" for a in anchors):
            last = _Anchor(0, 0, "critic")
    _ = section
    return [results[(qs, qe)] for qs, qe, _si in spans if (qs, qe) in results]
