"""Quoted spans, their kind (critic / dialogue / other) and, for critic quotes, who said it.

Every double-quoted span (straight or curly, one quote within another too) is found line by
line with the same pairing rules the sentence splitter uses; a quote left open closes at the
end of its sentence or at the next quote mark. Each quote is then classified from its sentence:

- overrides first: titles ("the song "X""), words under discussion, grades and ratings,
  headlines, box-office takings are `other`; lines spoken in the film ("exclaims", "met with
  a ...") are `dialogue`;
- otherwise the nearest *attribution anchor* decides: a critic with an outlet ("X of Y",
  "Y's X", "Y critic X", "writing for Y", "In Y, X wrote"), an outlet alone, a critic who is
  the subject of a verb of saying, an aggregator consensus, or a pronoun, "the critic" or "the
  paper" ("He praised ...") that carries the speaker of its sentence or of the sentences just
  before it (found on demand); a critic named without an outlet takes the outlet named beside
  them earlier. Anchors naming cast, crew, academics, programmers, family, or words said in an
  interview or reported as news make a quote `other`; a quote with no anchor at all is
  `other`. Each quote records why (`Quote.why`).

What is not prose is capped (issue 16): see MAX_NESTING, MAX_ATTRIBUTED, MAX_QUOTES and
sentences.MAX_MARKS_PER_LINE.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache

from bot.extract.outlets import (
    AMBIGUOUS_OUTLETS,
    OUTLET_WORDS,
    canonical_outlet,
    first_words,
    has_outlet_cue,
)
from bot.extract.patterns import (
    lower_keep_offsets,
    word_alternation,
)
from bot.extract.regions import region_code
from bot.extract.sentences import MAX_MARKS_PER_LINE, quote_marks, quote_pairs
from bot.extract.spans import index_of, spans_of
from bot.extract.types import Context, Quote, QuoteKind, Reason, Sentence

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
    r"branded|brands|questioned|questions|singling|awarding|awarded|awards|found|"
    r"countered|counters|retorted|conceded|concedes|cautioned|raved|raves|enthused|"
    r"enthuses|gushed|sniffed|scoffed|complimented|extolled|believed|believes|appreciated|"
    r"appreciates|preferred|prefers|recognized|recognised|recognizes|recognises|elaborates|"
    r"opining|lambasted|lambasts|criticizing|criticising|argued|arguing|maintained|"
    r"maintains|reckons|lauding|hailing|declares|bemoaned|bemoans|alleged|alleges|praise|"
    r"criticize|criticise|describe|note|laud|commend|hail|dismiss|pan|add)"
)
_ADVERBS = (
    r"(?:also|further|later|then|even|too|however|similarly|likewise|additionally|"
    r"particularly|especially|specifically|strongly|highly|generally|was|were|had|has|have|"
    r"once|since|famously|memorably|first|still|would|again|rightly|aptly|did|does|do)"
)

_SAY_SET = frozenset(re.findall(r"[a-z]+", _SAY_VERBS))
_ADVERB_SET = frozenset(re.findall(r"[a-z]+", _ADVERBS))
_LEAD_WORDS = re.compile(
    r"[\s,]*([A-Za-z]+)(?:\s+([A-Za-z]+))?(?:\s+([A-Za-z]+))?(?:\s+([A-Za-z]+))?"
)


def _verb_follows(text: str, skip_any: int = 0) -> bool:
    """True when `text` opens with a verb of saying, after adverbs (or `skip_any` words)."""
    m = _LEAD_WORDS.match(text)
    if not m:
        return False
    for i, w in enumerate(g for g in m.groups() if g):
        low = w.lower()
        if low in _SAY_SET:
            return True
        if low not in _ADVERB_SET and not low.endswith("ly") and i >= skip_any:
            return False  # "-ly" words are adverbs: "rightly called", "famously wrote"
    return False


_CREW_ROLES = re.compile(
    r"\b(?:director|directors|filmmaker|filmmakers|film-maker|producer|producers|co-producer|"
    r"screenwriter|screenwriters|scriptwriter|co-writer|actor|actors|actress|actresses|"
    r"co-star|composer|cinematographer|choreographer|animator|"
    r"executive|executives|chairman|chairwoman|president|ceo|spokesperson|spokesman|"
    r"spokeswoman|creator|co-creator|showrunner|distributor|studio|designer|editor|"
    r"lyricist|singer|musician|rapper|comedian|politician|minister|senator|congressman|"
    r"officials|founder|co-founder|manager|agent|lawyer|attorney|judge|analyst|"
    r"writer-director|director-writer|author of the (?:novel|book|comic|story)|"
    r"(?:comic book |comic-book )?writer and director|head|chief|governor|mayor|pope|"
    r"leader|officer|colleague|wife|husband|son|daughter|father|mother|brother|sister|"
    r"cast member|cast|crew|professor|academic|sociologist|researcher|programmer|programmers|"
    r"curator|festival director|artistic director|granddaughter|grandson|grandfather|"
    r"grandmother|widow|niece|nephew|relative|relatives|family|fan|fans|audience member|"
    r"activist|activists|campaigner|protester|protesters|priest|bishop|lawmaker|confidant|"
    r"friend|aide|assistant|adviser|advisor|lecturer|teacher|student|students|scientist|"
    r"psychologist|psychiatrist|physician|doctor)\b",
    re.IGNORECASE,
)
_CRITIC_ROLES = re.compile(
    r"\b(?:critic|critics|reviewer|reviewers|columnist|film writer|reviewing partner|"
    r"contributor|journalist|blogger|vlogger|essayist|historian|scholar|"
    r"novelist|editor-in-chief|commentator|writer for|writing for|wrote for|writes for)\b",
    re.IGNORECASE,
)
# The same, for lower-cased text: a case-insensitive scan costs several times as much.
_CREW_ROLES_LOW = re.compile(_CREW_ROLES.pattern)
_CRITIC_ROLES_LOW = re.compile(_CRITIC_ROLES.pattern)
_CONSENSUS = re.compile(
    r"\b(?:critic(?:al|s|s')?\s+consensus|(?:site|website)(?:'s|’s)\s+consensus|"
    r"consensus\s+(?:reads|states|says|summarizes|summarises)|"
    r"\b(?:the|its|the site's|the website's)\s+summary\s+(?:reads|states|says))",
    re.IGNORECASE,
)
_AGGREGATOR_OTHER = frozenset({"CinemaScore", "PostTrak", "Box Office Mojo", "IMDb"})
_AGGREGATORS = frozenset({"Rotten Tomatoes", "Metacritic"})

# A quote that names something rather than evaluating it.
_STRONG_TITLE_BEFORE = re.compile(
    r"\b(?:titled|entitled|named|renamed|retitled|known as|song|songs|single|track|"
    r"episode|episodes|chapter|album|poem|tagline|tag line|slogan|the word|the words|"
    r"the terms?|the phrases?|the labels?|the expressions?|catchphrase|nickname|nicknamed|"
    r"codenamed|code-named|"
    r"the title|its title|a title|an? (?:\w+ )?rating of|(?:an? )?(?:\w+ )?grade of|"
    r"(?:promoted|billed|marketed|advertised|touted|sold|branded|pitched|subtitled)\s+as"
    r"(?:\s+(?:a|an|the))?|"
    r"(?:rated|rating|certificate|classification)(?: of)?(?: an?)?|"
    r"(?:his|her|their|the|its) (?:\d{4} )?(?:article|essay|column|book|list|"
    r"series|segment|feature|piece)|(?:the|its|a|an) (?:\w+ )?(?:song|single|number|"
    r"track|ballad|anthem|theme|hit|cover|episode|award|category|section|programme|"
    r"program|show))\s*[,:]?\s*$",
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
    r"classification|censor|censors|board|grade[sd]?|grading|polled|audiences?)\b",
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
# --- mentions: outlets and people ------------------------------------------------------------

# The look-behind sits after the "_" so the regex engine can jump from one "_" to the next.
_ITALIC = re.compile(r"_(?<![\w_]_)(?=\S)([^_\n]+?)(?<=\S)_(?![\w_])")
# A capitalised word; inner marks ("O'Brien", "Meyers-Shyer", "J.R.R.") sit between letters.
# Possessive repeats: what follows a run of letters never starts with a letter, so giving
# letters back could not help a match, and the engine would only waste time trying.
_NAME_TOKEN = r"(?:[A-Z][^\W_]*+(?:['’.\-][^\W_]++)*\.?)"
_CAP_RUN = re.compile(
    rf"{_NAME_TOKEN}(?:[^\S\n]+(?:(?:de|da|del|della|di|du|van|von|der|den|le|la|ul|bin|al|el|"
    rf"of|the|and|&|for)\s+)*{_NAME_TOKEN})*"
)
_NOT_NAME_START = frozenset(
    [
        "The",
        "A",
        "An",
        "In",
        "On",
        "At",
        "As",
        "After",
        "Before",
        "During",
        "When",
        "While",
        "However",
        "Although",
        "Though",
        "But",
        "And",
        "For",
        "With",
        "By",
        "From",
        "Despite",
        "Following",
        "Upon",
        "According",
        "Its",
        "It",
        "It's",
        "He",
        "She",
        "They",
        "His",
        "Her",
        "Their",
        "This",
        "That",
        "These",
        "Those",
        "There",
        "Critics",
        "Critic",
        "Reviewer",
        "Reviewers",
        "Film",
        "Director",
        "Writer",
        "Writing",
        "Reviewing",
        "Review",
        "Audiences",
        "Many",
        "Some",
        "Several",
        "Both",
        "One",
        "Overall",
        "Meanwhile",
        "Later",
        "Earlier",
        "Then",
        "Also",
        "Additionally",
        "Furthermore",
        "Moreover",
        "Yet",
        "So",
        "What",
        "How",
        "Why",
        "Who",
        "If",
        "Since",
        "Until",
        "Unlike",
        "Like",
        "Based",
        "Most",
        "Other",
        "Others",
        "Another",
        "Each",
        "Every",
        "No",
        "Not",
        "Even",
        "Only",
        "Describing",
        "Calling",
        "Praising",
        "Observing",
        "Noting",
        "Comparing",
        "Reminiscing",
        "Revisiting",
        "Rating",
        "Giving",
        "Speaking",
        "Summing",
        "Despite",
        "Among",
        "Between",
        "Upon",
        "Via",
        "Over",
        "Under",
        "Into",
        "Several",
        "Positive",
        "Negative",
        "Mixed",
        "Contemporary",
        "Retrospective",
        "Modern",
        "Early",
        "American",
        "British",
        "Indian",
    ]
)
_MONTHS = frozenset(
    [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ]
)


_WORD_LOW = re.compile(r"[a-z][a-z-]*")  # words, in lower-cased text
_FILM_BEFORE = re.compile(r"\b(?:film|movie)\s*$")
_NONSPACE = re.compile(r"\S+")
_PUNCT_KEY = re.compile(r"[^\w\s&]")
# Cheap word filters that let most sentences skip the slower case-insensitive scans.
_PRONOUNS = frozenset({"he", "she", "they", "it"})
_DETERMINERS = frozenset({"the", "his", "her", "their"})
_CARRY_NOUNS = frozenset(
    [
        "critic",
        "reviewer",
        "review",
        "magazine",
        "newspaper",
        "paper",
        "publication",
        "website",
        "site",
        "outlet",
        "writer",
        "columnist",
        "journal",
        "daily",
    ]
)
_CREW_SAID = re.compile(r"\s*(?:\w+\s+){0,2}(?:said|says|stated)\b")
_GENERIC_WORDS = frozenset(
    {"critics", "reviewers", "commentators", "critic", "reviewer", "reviews", "review"}
)
_ROLE_WORDS = frozenset(
    w.lower()
    for w in re.findall(r"[A-Za-z][A-Za-z-]*", _CREW_ROLES.pattern)
    if len(w) > 2
    and w.lower()
    not in {"and", "the", "book", "comic", "novel", "story", "writer", "member", "author"}
)
_ANCHOR_WORDS = _PRONOUNS | _CARRY_NOUNS | _GENERIC_WORDS | _ROLE_WORDS


# Anchor kinds that name who speaks, and those of them that may speak right after a quote.
_SPEAKERS = frozenset({"critic", "crew", "interview", "other"})
_VOICES = frozenset({"critic", "crew", "interview"})


@dataclass(slots=True)  # not frozen: a frozen __init__ costs several times more
class _Anchor:
    """A place in a sentence that says who is speaking."""

    pos: int  # where the anchor ends, relative to the sentence
    start: int
    # "critic" | "crew" | "interview" | "other" (an audience poll, a tracker) | "carry" (a
    # pronoun or "the critic") | "generic" (critics in general) | "mention" (a name, no verb)
    kind: str
    critic: str | None = None
    outlet: str | None = None


@dataclass(slots=True)
class _Doc:
    """Per-text knowledge built once: crew names, full names, critic -> outlet."""

    crew: set[str]
    full_names: dict[str, str]
    critic_outlet: dict[str, str]
    film_titles: set[str]
    critics: set[str] = field(default_factory=set)  # named with a critic's role, or quoted


def _norm_space(s: str) -> str:
    return " ".join(s.split())


def _outlet_of(name: str, *, in_italics: bool, context_ok: bool) -> str | None:
    """`name` as written when it is a known outlet, honouring the ambiguity list (see
    outlets.AMBIGUOUS). The text's own spelling is kept ("LA Times"); comparisons go through
    `normalise_outlet`, which folds aliases."""
    name = name.strip(" ,.;:")
    if name.startswith("The ") and canonical_outlet(name) is None:
        name = name[4:]
    canon = canonical_outlet(name)
    if canon is None:
        return None
    if (
        not in_italics
        and not context_ok
        and (name in AMBIGUOUS_OUTLETS or canon in AMBIGUOUS_OUTLETS)
    ):
        return None
    return name


# Words no personal name contains: outlet words ("Review", "Weekly", "Ledger") and the words of
# venues, events and places ("Music Hall", "Film Festival").
_VENUE_WORDS = frozenset(
    """Hall Theatre Theater Centre Center Palace Arena Stadium Museum Gallery Square Park
    Street Avenue Boulevard Building Hotel Opera Playhouse Auditorium Festival Festivals
    Awards Award Academy University College School Records Circle Society Association Guild
    Institute""".split()  # noqa: SIM905
)
# Surnames too ("Rebecca Hall", "Lia Park"): they mark a venue only in an outlet's slot.
_NON_PERSON_WORDS = (
    OUTLET_WORDS
    | _VENUE_WORDS
    | {"Film", "Cinema", "Music", "Critics", "Entertainment", "Pictures", "Studios"}
    | {"Productions", "Films", "Media", "Foundation", "Corporation", "Company"}
) - {
    "Hall",
    "Park",
    "Street",
    "Guild",
}


# Months that are also given names ("June Whitlow"): a name only where a critic's name is
# expected ("wrote June Whitlow in ...", "June Whitlow of ...").
_GIVEN_MONTHS = frozenset({"April", "May", "June", "August"})
_MONTH_NAME_SLOT = re.compile(r"\s*,?\s*(?:of|from|in|writing for|wrote|writes|called|said)\s")


@lru_cache(maxsize=16384)
def _looks_person(run: str, month_ok: bool = False) -> bool:
    tokens = run.split()
    if len(tokens) < 2 or len(tokens) > 5:
        return False
    if tokens[0] in _NOT_NAME_START or (
        tokens[0] in _MONTHS and not (month_ok and tokens[0] in _GIVEN_MONTHS)
    ):
        return False
    if tokens[-1] in _NOT_NAME_START:
        return False  # "D. As": a sentence's first word is no surname
    if any(t in {"of", "the", "and", "&", "for"} for t in tokens):
        return False
    full = [t for t in tokens if len(t.rstrip(".")) > 1 and not t.endswith(".")]
    if not full:
        return False
    if any(
        t.endswith(".") and any(c.islower() for c in t) and t not in {"Jr.", "Sr.", "St."}
        for t in tokens[:-1]
    ):
        return False  # "United States. In": the run crossed a sentence end
    if any(t.rstrip(".").isupper() and len(t.rstrip(".")) > 3 for t in tokens):
        return False
    if any(t.rstrip(".,") in _NON_PERSON_WORDS for t in tokens) or tokens[0] in _NOT_OUTLET_START:
        return False  # "Reel Weekly", "Matinee Ledger", "Radio City Music Hall", "Best Actress"
    return canonical_outlet(run) is None and not region_code(run)  # not "Los Angeles"


# Credits: "directed by X", "based on the novel by X", "starring X, Y and Z". Two patterns that
# open with literal letters (see patterns.py), scanned by `_credits` as one alternation would be.
_CREDIT_NAMES = r"((?:[A-Z][\w.'’\-]*\s?)+(?:(?:,\s*|,?\s+and\s+)(?:[A-Z][\w.'’\-]*\s?)+)*)"
_CREDITED_BY = re.compile(
    word_alternation(
        [
            *"""directed produced written co-written scripted composed edited photographed
            shot created narrated choreographed co-produced co-directed""".split(),  # noqa: SIM905
            "based on [^.]{0,80}? by",
            # the lead's "is a 1941 American mystery drama film by Orson Welles"
            "is an? [^.]{0,100}?(?:film|documentary|movie)",
        ]
    )
    + r"(?: and (?:directed|produced|written|edited))?\s+by\s+"
    + _CREDIT_NAMES
)
_STARRING = re.compile(
    word_alternation(["stars", "starring", "starred", "co-stars", "features", "featuring"])
    + r"\s+"
    + _CREDIT_NAMES
)
_TITLE_YEAR = re.compile(r"_([^_\n]++)_\s*\((?:\d{4}|film)")
_WHO = re.compile(r"^,\s*who\s+")
# "A. O. Scott was less kind, calling it ...": a short predicate, then a participle of saying.
_PARTICIPLE_AFTER = re.compile(
    r"\s+(?:was|were|is|seemed|felt|remained|proved)\s+[^,.;\"“]{1,30},\s*(?:calling|writing|"
    r"saying|describing|praising|noting|adding|declaring|dubbing|deeming|concluding|opining|"
    r"arguing|stating|criticizing|criticising|lamenting|comparing|labelling|labeling)\b"
)
# Words said to a paper or in an interview are no review: "X told _Variety_", "X said to Y".
_INTERVIEW_AFTER = re.compile(
    r"\s*,?\s*(?:\w+\s+)?(?:told|said to|speaking to|explained to|in an interview)\b"
)
# "_Variety_ reported that ...", "A _Washington Times_ article reported ...": news.
_REPORTED_AFTER = re.compile(
    r"(?:['’]s)?\s+(?:\w+\s+)?(?:article\s+|story\s+)?(?:reported|reports|announced|revealed)\b"
)
_TOLD_BEFORE = re.compile(
    r"\b(?:told|said to|speaking to|explained to|in an interview with|interview with|"
    r"interviewed by)\s+(?:the\s+)?$"
)
_TOLD_LAST = frozenset({"told", "to", "with", "by", "the"})
# Titles that open a name and make its bearer no critic.
_TITLE_ROLES = frozenset(
    """president professor prof senator governor mayor minister king queen prince princess
    pope bishop chairman director producer""".split()  # noqa: SIM905
)
_INTERVIEW_BEFORE = re.compile(
    r"\b(?:in an interview with|interviewed by|speaking to)\s[^,]{0,40},?\s*$"
)
# ", the film's director," or ", writing for Y," after a name; not ", and in terms of X,".
_APPOSITIVE = re.compile(r"\s*,(?!\s*(?:and|but|or|while|whereas|though|although)\b)[^,\"“]{0,60},")
_BY_BEFORE = re.compile(
    r"\b(?:by|according to|in the words of|per)\s+(?:(?:the|a|film|movie|critic|critics|"
    r"reviewer|writer|columnist|journalist|blogger|editor|veteran|chief|senior|noted)\s+){0,3}$",
    re.IGNORECASE
)
_SAID_BEFORE = re.compile(r"[\"”]\s*,?\s*([A-Za-z]+)\s+(?:\w+\s+){0,3}$")
_AFTER_QUOTE = re.compile(r"[\s,]*(?:[-–—]\s*|according to\b)", re.IGNORECASE)
_SOURCE_AFTER = re.compile(
    r"\s+(?:of|from|at)\s+(?:the\s+)?((?:The\s+)?[A-Z][\w.&'’\-]*(?:\s+[A-Z][\w.&'’\-]*){0,3})"
)
_FILLER_VERB = re.compile(
    r"[\s,]*(?:went so far as to|was quick to|would later|would go on to|went on to|"
    r"did not hesitate to|took issue with|gave (?:it|the film))\b",
)
# Last words that make a "name" an organisation: a publication, or a body that is not one.
_ORG_WORDS = frozenset(
    [
        "Magazine",
        "Channel",
        "Network",
        "News",
        "Times",
        "Review",
        "Journal",
        "Media",
        "Online",
        "Daily",
        "Weekly",
        "Post",
        "Tribune",
        "Herald",
        "Chronicle",
        "Gazette",
        "Radio",
        "TV",
        "Television",
    ]
)
_BODY_WORDS = frozenset(
    [
        "Foundation",
        "Institute",
        "Association",
        "Society",
        "Council",
        "Club",
        "Company",
        "Studios",
        "Pictures",
        "Films",
        "Entertainment",
        "Corporation",
        "Group",
        "Board",
        "Commission",
        "Committee",
        "League",
        "Union",
        "Party",
        "Legion",
    ]
)
# A name in an object's slot: "praise for Ermey, ...", "gave praise to Ermey and D'Onofrio, ...".
_OBJECT_BEFORE = re.compile(
    r"\b(?:for|to|with|on|about|toward|towards|over|than|like|praised|commended|lauded|"
    r"criticized|criticised|called|described)\s+(?:[A-Z][\w'’.\-]*(?:\s+and\s+|,\s*|\s+))*$"
)
_DASH_BEFORE = re.compile(r"[\"”]\s*[-–—]\s*$")
_SPACE_COMMA = re.compile(r"[\s,]*")


def _role_before(before: str) -> str | None:
    """The crew role word among the last two words before a name ("director Paul Dano")."""
    for w in reversed(before.rsplit(None, 2)[-2:]):
        low = w.strip(",").lower()
        if low in _ROLE_WORDS:
            return low
    return None


# A name does not start inside a word ("3D. As" is no "D. As"); the check sits after the
# first capital so that the engine can still skip from capital to capital.
_ALL_NAMES = re.compile(
    r"[A-Z](?<![\w'’.\-][A-Z])"
    + _NAME_TOKEN.removeprefix("(?:[A-Z]")[:-1]
    + rf"(?:[^\S\n]+(?:(?:de|van|von|der|ul|da|di|le|la)\s+)?{_NAME_TOKEN}){{1,4}}"
)


@lru_cache(maxsize=16384)
def _surname(name: str) -> str:
    parts = [p for p in name.split() if p not in {"Jr.", "Jr", "Sr.", "III", "II"}]
    return parts[-1] if parts else name


_CREDIT_END = re.compile(r"(?<=[a-z])\.\s")
_LIST_SEP = re.compile(r",\s*|\s+and\s+")


def _credits(text: str, end: int) -> Iterator[re.Match[str]]:
    """The matches of `_CREDITED_BY|_STARRING` in `text[:end]`, as `finditer` would give them:
    leftmost first, the first pattern winning a tie, each scan resuming after the last match."""
    by = _CREDITED_BY.search(text, 0, end)
    star = _STARRING.search(text, 0, end)
    while by is not None or star is not None:
        m = by if star is None or (by is not None and by.start() <= star.start()) else star
        assert m is not None
        yield m
        if by is not None and by.start() < m.end():
            by = _CREDITED_BY.search(text, m.end(), end)
        if star is not None and star.start() < m.end():
            star = _STARRING.search(text, m.end(), end)


def _build_doc(text: str, ctx: Context) -> _Doc:
    """Collect crew and cast (lead credits, role words), full names and film titles."""
    crew: set[str] = set()
    for m in _credits(text, 2000):  # the lead paragraph holds the credits
        names = m.group(1) or ""
        for part in _LIST_SEP.split(names):
            part = _CREDIT_END.split(part, 1)[0].strip()
            if part and part.split()[0] not in _NOT_NAME_START:
                crew.add(part)
                crew.add(_surname(part))
    full_names: dict[str, str] = {}
    critics: set[str] = set()
    # Lower-cased once: a case-insensitive scan per name costs several times as much.
    low = lower_keep_offsets(text)
    for m in _ALL_NAMES.finditer(text):
        name = m.group(0)
        head, _, rest = name.partition(" ")
        if head.endswith(("'s", "’s")) and rest:
            name = rest  # "Collider's Matt Goldberg" names Matt Goldberg
        if not _looks_person(name):
            continue
        full_names.setdefault(_surname(name), name)
        start = m.start()
        if _CRITIC_ROLES_LOW.search(low[max(0, start - 25) : start]):
            critics.add(name)
            continue
        role = _role_before(text[max(0, start - 40) : start])
        if role is None:
            continue
        if role in {"head", "chief", "cast", "editor"}:
            continue  # too often "chief critic", "cast doubt", "editor of Variety"
        crew.add(name)
        crew.add(_surname(name))
    titles: set[str] = set()
    first = _ITALIC.search(text)
    if first:
        titles.add(_norm_space(first.group(1)))
    if ctx.film:
        titles.add(ctx.film)
    for m in _TITLE_YEAR.finditer(text):
        titles.add(_norm_space(m.group(1)))
    titles = {t.lower() for t in titles}
    return _Doc(
        crew=crew, full_names=full_names, critic_outlet={}, film_titles=titles, critics=critics
    )


def _resolve(name: str, doc: _Doc) -> str:
    """The fullest form of a critic's name used in the text ("Ebert" -> "Roger Ebert")."""
    name = _norm_space(name.strip(" ,.;:"))
    if " " not in name:
        return doc.full_names.get(name, name)
    return name


def _is_crew(name: str, doc: _Doc) -> bool:
    return name in doc.crew or _surname(name) in doc.crew


_PREP_BEFORE = re.compile(
    r"(?:\b(of|for|in|from|to|at|by|with))\s+(?:the\s+)?$", re.IGNORECASE
)
_OUTLET_AFTER_OK = re.compile(
    r"^(?:'s|’s|\s+(?:magazine|newspaper|critic|reviewer|writer|contributor|"
    r"columnist|review|website|gave|called|wrote|said|described|"
    r"praised|felt|found|thought|stated|noted|opined))\b"
)


_WRITE_WORDS = frozenset(
    """writing writes wrote write written reviewing reviewed review reviews published column
    columns essay article piece interview critic critics reviewer columnist contributor
    correspondent writer editor""".split()  # noqa: SIM905
)


def _prep_context_ok(s: str, a: int) -> bool:
    """A preposition before position `a` that makes an ambiguous name an outlet: "of", "for"
    and "from" always; "in", "at", "to", "with" and "by" only after a verb of saying or
    writing, a critic's name, or at the sentence's start ("In Time, ..."), so that "opened at
    Radio City Music Hall in New York" names a city."""
    m = _PREP_BEFORE.search(s, max(0, a - 12), a)
    if m is None:
        return False
    word = m.group(1).lower()
    if word in {"of", "for", "from"}:
        return True
    head = s[max(0, m.start() - 60) : m.start()]
    if not head.strip():
        return True
    last = _WORD_AT_END.search(head)
    if last is not None and (
        last.group(1).lower() in _SAY_SET or last.group(1).lower() in _WRITE_WORDS
    ):
        return True
    who = _NAME_AT_END.search(head)
    return who is not None and _looks_person(_strip_owner(who.group(1)), month_ok=True)


_NEXT_LOW_WORD = re.compile(r"\s+([a-z][a-z-]*)")
# Lower-case words that may follow an outlet's name without making it an adjective.
_AFTER_OUTLET_OK = frozenset(
    """on in at of for and or but with to that which who as was is has had have also gave
    called said by from while where when the a an its it this review reviews reviewer critic
    critics magazine newspaper website site writer columnist contributor piece column article
    editorial film wrote writes says stated noted described found felt praised ranked listed
    named included put placed declared""".split()  # noqa: SIM905
)


def _place_adjective(name: str, s: str, end: int) -> bool:
    """A bare outlet name that is also a place or demonym, used as an adjective before a noun:
    "the New York setting", "The Australian premiere"."""
    if name not in AMBIGUOUS_OUTLETS and not region_code(name.removeprefix("The ")):
        return False
    m = _NEXT_LOW_WORD.match(s, end)
    if m is None:
        return False
    word = m.group(1)
    return word not in _AFTER_OUTLET_OK and word not in _SAY_SET and word not in _WRITE_WORDS


_NAME_OF_BEFORE = re.compile(rf"{_NAME_TOKEN}\s+(?:of|from)\s+(?:the\s+)?(?:The\s+)?$")
_WORK_BEFORE = re.compile(
    r"\b(?:show|series|sitcom|programme|program|episode|film|movie|novel|album|song|play|"
    r"video game|game|comic|documentary|musical|opera)\s*$"
)
_WORK_WORDS = frozenset(
    """show series sitcom programme program episode film movie novel album song play game
    comic documentary musical opera""".split()  # noqa: SIM905
)
_NAME_IN_BEFORE = re.compile(
    rf"{_NAME_TOKEN}\s+(?:in|for|through|via)\s+(?:the\s+)?(?:The\s+)?$"
)
_AND_ITALIC = re.compile(r"^\s*and\s+(?:the\s+)?_[^_]+_")
_IN_WORDS = frozenset({"in", "for", "through", "via", "the"})
_POSSESSIVES = frozenset({"his", "her", "their"})
_REVIEW_AFTER = re.compile(r"\s+(?:review|column|piece|article|essay|critique)\b")
_WRITING_FOR_BEFORE = re.compile(
    r"(?:writing|writes|wrote|review|reviewing|column|critic|published)\s+(?:for|in)\s+"
    r"(?:the\s+)?(?:The\s+)?$|\b(?:his|her|their)\s+(?:\d{4}\s+)?(?:book|"
    r"review|column|blog|website|site|podcast|newsletter|vlog|channel|show|programme|program)"
    r"\s*,?\s*$",
    re.IGNORECASE,
)
_OWNS_AFTER = re.compile(
    rf"(?:'s|’s)\s+(?:(?:film|movie)\s+)?(?:critic\s+|reviewer\s+)?{_NAME_TOKEN}"
    rf"\s+{_NAME_TOKEN}|\s+(?:critic|reviewer|magazine|newspaper)\b",
)


@lru_cache(maxsize=16384)
def _may_open_outlet(token: str) -> bool:
    """False when no listed outlet's name can start with `token` (a cheap filter)."""
    first = _PUNCT_KEY.sub(" ", token.lower()).split()[:1]
    return not first or first[0] == "the" or first[0] in first_words()


def _outlet_mentions(s: str, doc: _Doc) -> list[tuple[int, int, str]]:
    """Outlets named in sentence `s`: (start, end, canonical or as-written name)."""
    found: list[tuple[int, int, str]] = []
    taken: list[tuple[int, int]] = []
    for m in _ITALIC.finditer(s) if "_" in s else ():
        inner = _norm_space(m.group(1))
        canon = _outlet_of(inner, in_italics=True, context_ok=True)
        before = s[max(0, m.start() - 40) : m.start()]
        after = s[m.end() : m.end() + 40]
        if _tail_word(before) in _WORK_WORDS and _WORK_BEFORE.search(before):
            canon = None  # "the television show _The Critic_": a work's title, not an outlet
        elif canon is None and inner.lower() not in doc.film_titles:
            # An unlisted italic publication: "X of _Y_", "for _Y_", "_Y_'s critic X".
            word_before = _tail_word(before)
            prev_is_name = _NAME_OF_BEFORE.search(before) or (
                # "Pat Berman in _The State_ (and _Columbia Record_) described it as ..."
                word_before in _IN_WORDS
                and _NAME_IN_BEFORE.search(before) is not None
                and _verb_follows(_AND_ITALIC.sub("", after))
            )
            writing_for = (
                _WRITING_FOR_BEFORE.search(before)
                or (
                    # "In _The Northern Echo_, Sam Park wrote ...": an opening "In" frame
                    s[: m.start()].strip() in {"In", "in", "In the", "According to"}
                    and after.startswith(",")
                )
                # "in his _Guardian_ review"
                or (word_before in _POSSESSIVES and _REVIEW_AFTER.match(after) is not None)
            )
            owns = _OWNS_AFTER.match(after)
            subject = _verb_follows(after, skip_any=1) and not _FILM_BEFORE.search(before)
            if prev_is_name or writing_for or owns or (subject and m.start() <= 4):
                canon = inner
        if canon is not None:
            start = m.start()
            if s[max(0, start - 4) : start] == "The ":
                start -= 4
            found.append((start, m.end(), canon))
        taken.append((m.start(), m.end()))
    in_italics = spans_of(taken)
    # Where the sentence's closing run of spaces, stops and brackets begins.
    tail = len(s.rstrip(" .)"))
    for m in _CAP_RUN.finditer(s):
        if in_italics and in_italics.covers(m.start()):
            continue
        run = m.group(0)
        tokens = run.split()
        offs: list[int] | None = None  # token offsets in `run`, found once a name is listed
        best: tuple[int, int, str] | None = None
        # the longest sub-run that is a listed outlet
        for i in range(len(tokens)):
            if not _may_open_outlet(tokens[i]):
                continue
            for j in range(min(len(tokens), i + 7), i, -1):
                cand = " ".join(tokens[i:j]).rstrip(".,")
                if cand.endswith(("'s", "’s")):
                    cand = cand[:-2]
                if canonical_outlet(cand) is None:
                    continue
                if offs is None:
                    offs = [mm.start() for mm in _NONSPACE.finditer(run)]
                a = m.start() + offs[i]
                b = a + len(cand)
                ctx_ok = (
                    _prep_context_ok(s, a)
                    or bool(_OUTLET_AFTER_OK.match(s[b : b + 14]))
                    or (s[max(0, a - 2) : a] == ", " and b >= tail)
                )
                canon = _outlet_of(cand, in_italics=False, context_ok=ctx_ok)
                if canon and _place_adjective(cand, s, b):
                    canon = None  # "the New York setting", "The Australian premiere"
                if canon:
                    best = (a, b, canon)
                    break
            if best:
                break
        if best:
            found.append(best)
    # Unlisted outlets found by their place in the sentence; one that holds a listed name
    # ("The Northern Screen" holds "Screen") replaces it.
    structural = _structural_outlets(s, doc)
    listed = index_of(sorted((f[0], f[1], i) for i, f in enumerate(found))) if structural else None
    replaced: set[int] = set()
    for a, b, name in structural:
        assert listed is not None
        near = listed.overlapping(a, b)
        inside = [i for i in near if a <= found[i][0] and found[i][1] <= b]
        if any(found[i][:2] == (a, b) for i in inside) or len(inside) < len(near):
            continue
        replaced.update(inside)
        found.append((a, b, name))
    if replaced:
        found = [f for i, f in enumerate(found) if i not in replaced]
    found.sort()
    return found


# --- unlisted outlets, found by their place in the sentence ---------------------------------

# A Title-Case run that may name an outlet: "The Lantern Review", "Frame & Grain",
# "WILDsound Fest". A possessive "'s" ends it, and so does any lower-case word but "&".
_RUN_TOKEN = r"[A-Z0-9][^\W_]*+(?:(?:['’](?!s\b)|[.\-])[^\W_]++)*"
_OUTLET_RUN = re.compile(rf"{_RUN_TOKEN}(?:\s+(?:&\s+)?{_RUN_TOKEN}){{0,7}}")
# The slot before a run: "of (the) ", "for ", "in ", ... and what stands before that.
_PREP_TAIL = re.compile(r"(?<![\w-])(of|from|for|at|with|in|on)\s+(?:the\s+)?$")
_WRITES_FOR = re.compile(
    r"(?:(?:writing|writes|wrote|write|written|reviewing|reviewed|published|review|reviews|"
    r"column|columns|essay|article|piece|interview|commentary|podcast|blog|contributing)"
    r"\s+(?:(?:it|him|her|them|this|the film)\s+)?(?:for|in)|(?:critic|reviewer|columnist|"
    r"contributor|correspondent|writer|editor)\s+(?:for|at|of|with)"
    r"|(?:review|reviews|praise|criticism|response)\s+(?:(?:came|comes|come)\s+)?from)"
    r"\s+(?:the\s+)?$",
    re.IGNORECASE,
)
_NAME_AT_END = re.compile(rf"({_NAME_TOKEN}(?:\s+{_NAME_TOKEN}){{1,3}})\s*,?\s*$")
_WORD_AT_END = re.compile(r"([A-Za-z]+)\s+$")
# What may follow an outlet's name: the sentence's end, punctuation, a quote, a possessive, a
# date ("in 1968") or a word naming what the outlet is.
_RUN_END_OK = re.compile(
    r"\s*(?:$|[,.;:!?)\]\"”—–(]|-\s|['’]s\b|(?:magazine|newspaper|website|blog|podcast|"
    r"critic|reviewer|review|columnist|in\s+\d{4}|on\s+[A-Z]|that|as)\b)"
)
_CRITIC_NOUN_AFTER = re.compile(
    r"(?:'s|’s)\s+(?:(?:film|movie|chief|senior|lead|own)\s+)?(?:critic|reviewer|review|"
    r"writer|columnist|contributor)\b"
)
_BLURB_BEFORE = re.compile(rf"[\"”]\s*[-–—]\s*{_NAME_TOKEN}(?:\s+{_NAME_TOKEN}){{1,3}},\s*$")
# First words of award names and honours: "for Best Actress", "with Honours".
_NOT_OUTLET_START = frozenset(
    """Best Outstanding Most Academy Oscar Oscars Golden Honours Honors Christmas Easter
    Halloween God Jesus""".split()  # noqa: SIM905
)


@lru_cache(maxsize=8192)
def _plausible_outlet(name: str) -> bool:
    """An unlisted outlet name that is not a place, an award or a festival."""
    tokens = name.split()
    core = tokens[1:] if tokens[0] == "The" else tokens
    if not core or core[0] in _NOT_OUTLET_START or core[0] in _MONTHS:
        return False
    if region_code(name) or region_code(" ".join(core)):
        return False
    # not "Radio City Music Hall", "Harvard University", "Critics Society"
    return core[-1] in OUTLET_WORDS or not any(
        t in _VENUE_WORDS or t in _BODY_WORDS for t in core
    )


def _structural_outlets(s: str, doc: _Doc) -> list[tuple[int, int, str]]:
    """Outlets the list does not know, found by where they stand: after "P of", "writing for",
    "wrote P in"; before "'s P" or "'s critic"; as the subject of a verb of saying when the name
    has an outlet word ("Nitrate Quarterly called it"); after a blurb's "- P,"."""
    found: list[tuple[int, int, str]] = []
    opener_end = len(s) - len(s.lstrip(" \"“(_*"))  # where the sentence's first word starts
    for m in _OUTLET_RUN.finditer(s):
        a, b = m.span()
        tokens = m.group().split()
        # drop a sentence opener glued to the run ("In", "When", "Yesterday"); mid-sentence,
        # "Film Thrills" and "American Cinematographer" keep their first word
        opening = a <= opener_end
        while tokens and tokens[0] != "The" and (
            (opening and tokens[0] in _NOT_NAME_START)
            or tokens[0] in _MONTHS
            or tokens[0][0].isdigit()
        ):
            a = s.index(tokens[1], a + len(tokens[0])) if len(tokens) > 1 else b
            tokens = tokens[1:]
        if not tokens or (tokens[0] == "The" and len(tokens) == 1):
            continue
        name = s[a:b]
        if name.endswith(".") and not _WEB_NAME.search(name):
            name, b = name[:-1], b - 1
        single = len(tokens) == 1 or (len(tokens) == 2 and tokens[0] == "The")
        if single and canonical_outlet(name) is None and not has_outlet_cue(name):
            continue  # a bare single word is an outlet only when listed
        if name.lower() in doc.film_titles:
            continue
        post = s[b : b + 50]
        cue = has_outlet_cue(name) or tokens[0] == "The"
        person = _looks_person(name) and tokens[0] != "The"
        ok = False
        pre = s[max(0, a - 60) : a]
        prep = _PREP_TAIL.search(pre, max(0, len(pre) - 10))
        if prep and (_RUN_END_OK.match(post) or _verb_follows(post)):
            word = prep.group(1)
            head = pre[: prep.start()]
            if _WRITES_FOR.search(pre):
                ok = True
            else:
                who = _NAME_AT_END.search(head)
                if who and _looks_person(_strip_owner(who.group(1)), month_ok=True) and (
                    not _is_crew(_strip_owner(who.group(1)), doc)
                ):
                    if word in {"of", "from"}:
                        ok = True
                    elif word in {"in", "on"}:
                        # "wrote P in Y", "P in Y wrote": a verb of saying on either side
                        lead = _WORD_AT_END.search(head[: who.start()])
                        ok = (lead is not None and lead.group(1).lower() in _SAY_SET) or (
                            _verb_follows(post)
                        )
                    else:  # for, at, with: not "praised P for Best Actress"
                        ok = not person or cue
        if not ok and post[:1] in "'’" and post[1:2] == "s" and (not person or cue):
            # "Reel Weekly's Ada Brook wrote", "The Evening Projector's critic"
            ok = _CRITIC_NOUN_AFTER.match(post) is not None or (
                (cue or canonical_outlet(name) is not None)
                and _OWNS_AFTER.match(post) is not None
            )
        if not ok and _SUBJECT_CUE.search(name) and _verb_follows(post):
            ok = not (pre.rstrip().endswith(("by", "at", "to")))
        if not ok and not post.strip(" .)") and _BLURB_BEFORE.search(pre):
            ok = not person  # '"..." - Ann Lee, The Evening Projector'
        if ok and _plausible_outlet(name):
            found.append((a, b, name))
    return found


# An outlet as the subject of a verb of saying needs an outlet word, "&" or a web suffix in its
# name: a brand in camel case alone ("RelishMix said") may be a tracker or a studio.
_SUBJECT_CUE = re.compile(
    rf"&|\.(?:com|net|org|co\.uk)\b|\b(?:{'|'.join(sorted(OUTLET_WORDS))})\b"
)
_WEB_NAME = re.compile(r"\.(?:com|net|org|co\.uk|in|tv|io)$|\.\w+\.$")


def _strip_owner(name: str) -> str:
    """ "Collider's Matt Goldberg" -> "Matt Goldberg"."""
    head, _, rest = name.partition(" ")
    return rest if head.endswith(("'s", "’s")) and rest else name


_CAP_WORD = re.compile(r"[A-Z](?<!\w[A-Z])[\w'’\-]+\b")
_OWNER_GAP = re.compile(r"(?:['’]s)?\s+")


def _person_mentions(
    s: str, outlets: list[tuple[int, int, str]], doc: _Doc
) -> list[tuple[int, int, str]]:
    """People named in `s` (multi-word names, or a surname seen in full earlier)."""
    out: list[tuple[int, int, str]] = []
    italics = spans_of((m.start(), m.end()) for m in _ITALIC.finditer(s)) if "_" in s else None
    named = index_of((a, b, b) for a, b, _ in outlets) if outlets else None
    for m in _ALL_NAMES.finditer(s):
        if italics and italics.covers(m.start()):
            continue
        name = m.group(0).rstrip(".,")
        glued = named.overlapping(m.start(), m.end()) if named else []
        if glued:
            # an outlet glued to the name ("Reel Weekly's Ada Brook"): keep what follows it
            cut = max(glued) - m.start()
            rest = _OWNER_GAP.match(name, cut) if cut < len(name) else None
            if rest is None or any(m.start() + rest.end() < b for b in glued):
                continue
            name = name[rest.end() :]
            m_start = m.start() + rest.end()
        else:
            m_start = m.start()
        tokens = name.split()
        if tokens and tokens[0].endswith(("'s", "’s")):
            tokens = tokens[1:]
        if tokens and tokens[-1].endswith(("'s", "’s")):
            tokens[-1] = tokens[-1][:-2]
            name = name[:-2]
        month_ok = False
        while tokens and (tokens[0] in _NOT_NAME_START or tokens[0] in _MONTHS):
            if tokens[0] in _GIVEN_MONTHS and len(tokens) in {2, 3}:
                end = m_start + len(name)
                lead = _WORD_AT_END.search(s, max(0, end - len(name) - 20), end - len(name))
                if _MONTH_NAME_SLOT.match(s, end) or (
                    lead is not None and lead.group(1).lower() in _SAY_SET
                ):
                    month_ok = True
                    break
            tokens = tokens[1:]
        if not tokens:
            continue
        name2 = " ".join(tokens)
        start = m_start + (len(name) - len(name2))
        if len(tokens) >= 2 and _looks_person(name2, month_ok=month_ok):
            out.append((start, start + len(name2), name2))
    # single surnames known from earlier full mentions ("Kenny praised ...")
    full = spans_of((a, b) for a, b, _ in out)
    for m in _CAP_WORD.finditer(s):
        w = m.group(0)
        if w in doc.full_names and not full.covers(m.start()):
            if named is not None and named.covers(m.start()):
                continue
            out.append((m.start(), m.end(), w))
    out.sort()
    return out


# "P of (the) O", "P from O", "P, writing for O", "P (O)", "P for O": the gap from P to O.
_PERSON_OF_OUTLET = re.compile(
    r"\s*(?:,\s*)?(?:\(|(?:also\s+)?(?:of|from)|for|at|in|through|via|,?\s*(?:who\s+)?(?:writing|writes|"
    r"wrote|reviewing|reviewed)\s+(?:in\s+a\s+review\s+)?(?:for|in)|,\s*(?:a\s+)?(?:film\s+)?"
    r"(?:critic|reviewer|writer|columnist)\s+(?:for|at|of|with)"
    # "X, in his review for Y", "X noted in her review for Y", "X commented in Y",
    # "X published a mixed review in Y"
    r"|(?:[a-z]+\s+)?in\s+(?:a|an|his|her|their)\s+(?:[\w-]+\s+)?(?:review|column|piece|"
    r"article|essay)\s+(?:of\s+(?:the\s+)?(?:film|movie)\s+)?(?:for|in|of|on)"
    r"|(?:said|says|wrote|writes|commented|comments|noted|notes|observed|remarked|opined|"
    r"argued|stated)\s+in"
    r"|(?:published|wrote|gave|posted|filed)\s+(?:a|an)\s+(?:[\w-]+\s+)?review\s+(?:in|for|on)"
    # "X discussed the film in a 1974 issue of Y"
    r"|(?:[a-z]+\s+){1,4}in\s+(?:a|an|the|its)\s+(?:\d{4}\s+)?(?:issue|edition)\s+of)"
    # "of the Australian tabloid newspaper _Y_"
    r"\s*(?:the\s+)?(?:(?:[A-Z][a-z]+\s+)?(?:[a-z-]+\s+){0,2}(?:newspaper|magazine|website|"
    r"tabloid|daily|weekly|journal|publication|site|blog|broadsheet)\s+)?",
    re.IGNORECASE,
)
# "O's P", "O critic P": the gap from O to P.
_OUTLETS_PERSON = re.compile(
    r"(?:'s|’s|\s+(?:film\s+|movie\s+|chief\s+|senior\s+)?(?:critic|reviewer|"
    r"writer|columnist|contributor)|'s\s+(?:film\s+|movie\s+|chief\s+)?"
    r"(?:critic|reviewer|writer|columnist)|’s\s+(?:film\s+|movie\s+)?"
    r"(?:critic|reviewer|writer))\s*,?\s*",
    re.IGNORECASE,
)


# How far from an outlet a person may be named and still be its critic ("P of O", "O's P").
_NEAR = 200
# Where a clause starts: the sentence's start, or after ";", ":", "and", "but", "while" ...
_CLAUSE_WORDS = frozenset(
    "and but while whereas although though critic reviewer".split()  # noqa: SIM905
)
_PREDICATE_VERBS = frozenset("was were is seemed felt remained proved".split())  # noqa: SIM905
_CLAUSE_START = re.compile(
    r"(?:^|[;:]|,\s*(?:and|but|while|whereas|although|though)|\b(?:but|while|whereas))"
    r"\s*(?:the\s+critic\s+|critic\s+|reviewer\s+)?$"
)
# What ends the search for a subject's verb of saying: a relative clause,
# critics in general, another quote.
_SUBJECT_STOP = re.compile(r"\b(?:who|whom|whose|which|that|critics|reviewers)\b|[\"“;]")
# A sentence that opens on a verb of saying, its subject left out ("And described ...").
_SUBJECTLESS = re.compile(rf"\W*(?:(?:and|also|but|then)\s+)?{_SAY_VERBS}\b")


def _verb_after(low: str, pb: int) -> int:
    """Where a verb of saying follows a name in its clause (-1: none): past a relative
    clause, critics in general or a quote, it is someone else's."""
    limit = min(len(low), pb + 150)
    stop = _SUBJECT_STOP.search(low, pb, limit)
    # word by word: a set lookup is far cheaper than scanning for ~300 verbs at each position
    for m in _WORD_LOW.finditer(low, pb, stop.start() if stop else limit):
        if m.group() in _SAY_SET:
            return m.start()
    return -1


def _opens_clause(low: str, pa: int) -> bool:
    """A name at the start of a sentence or of a clause ("..., but X", "; X")."""
    head = low[max(0, pa - 30) : pa].rstrip()
    if not head:
        return pa <= 30
    last = head.rsplit(None, 1)[-1]
    if head[-1] in ";:" or last in _CLAUSE_WORDS:
        return _CLAUSE_START.search(low, max(0, pa - 30), pa) is not None
    return False


def _anchors(s: str, doc: _Doc, qspans: list[tuple[int, int]]) -> list[_Anchor]:
    """Attribution anchors in sentence `s` (positions relative to it)."""
    outlets = _outlet_mentions(s, doc)
    people = _person_mentions(s, outlets, doc)
    anchors: list[_Anchor] = []
    in_quote = spans_of(qspans).covers
    people_at = [p[0] for p in people]

    low = lower_keep_offsets(s)
    used_people: set[int] = set()
    for oa, ob, outlet in outlets:
        if in_quote(oa):
            continue
        if outlet in _AGGREGATOR_OTHER:
            anchors.append(_Anchor(ob, oa, "other", None, outlet))
            continue
        if outlet not in _AGGREGATORS and _REPORTED_AFTER.match(s, ob):
            anchors.append(_Anchor(ob, oa, "interview", None, outlet))  # news, not a review
            continue
        lead = s[max(0, oa - 40) : oa]
        if _tail_word(lead) in _TOLD_LAST and _TOLD_BEFORE.search(lead):
            anchors.append(_Anchor(ob, oa, "interview", None, outlet))  # "said to _Variety_"
            continue
        critic: str | None = None
        start, end = oa, ob
        # "P of (the) O", "P from O", "P, writing for O", "P (O)", "P for O": only people
        # named near the outlet can fit those gaps.
        near = people[
            bisect.bisect_left(people_at, oa - _NEAR) : bisect.bisect_right(people_at, ob + _NEAR)
        ]
        for pa, pb, person in near:
            gap = s[pb:oa]
            if pb <= oa and _PERSON_OF_OUTLET.fullmatch(gap):
                critic, start = person, pa
                used_people.add(pa)
            elif pa >= ob and _OUTLETS_PERSON.fullmatch(s[ob:pa]):
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
        appos = _APPOSITIVE.match(after)
        said_after = (
            _verb_follows(_WHO.sub(" ", after) if "who" in after[:8] else after)
            or (appos is not None and _verb_follows(after[appos.end() :]))
            or (
                _first_word(after) in _PREDICATE_VERBS
                and _PARTICIPLE_AFTER.match(after) is not None
            )
        )
        # "X, co-founder of Y, said": a role in an apposition counts as one before the name.
        verb = -2  # not looked for yet: found on demand, most names never need it
        aside = low[pb : pb + appos.end()] if appos is not None else ""
        if low[pb : pb + 3].lstrip()[:1] == ",":
            verb = _verb_after(low, pb)
            if verb > pb:
                aside = low[pb:verb]  # ", director of the X festival (Y) described ..."
        critic_aside = bool(aside) and _CRITIC_ROLES_LOW.search(aside) is not None
        crew_aside = bool(aside) and not critic_aside and _CREW_ROLES_LOW.search(aside) is not None
        if said_after and after.lstrip()[:1] == "," and _OBJECT_BEFORE.search(before):
            said_after = False  # "praised the work of Ermey, calling him ..."
        said = _SAID_BEFORE.search(before) if ('"' in before or "”" in before) else None
        by_before = (
            (said is not None and said.group(1).lower() in _SAY_SET)
            or _BY_BEFORE.search(before) is not None
            or _DASH_BEFORE.search(before) is not None
        ) and after.lstrip()[:1] not in "\"“"  # not "calling DeVito "fascinating"": an object
        role_before = critic_aside or (
            # "critic Ada Brook", not "Critics praised Lia Park": a name in an object's slot
            _CRITIC_ROLES_LOW.search(low[max(0, pa - 30) : pa]) is not None
            and not _OBJECT_BEFORE.search(before)
        )
        crew_before = _CREW_ROLES_LOW.search(low[max(0, pa - 35) : pa]) or crew_aside
        full = _resolve(person, doc)
        if (("to" in after or "interview" in after) and _INTERVIEW_AFTER.match(after)) or (
            ("interview" in before or "speaking" in before) and _INTERVIEW_BEFORE.search(before)
        ):
            anchors.append(_Anchor(pb, pa, "interview", full, None))
            continue
        title, _, rest = person.partition(" ")
        if rest and title.rstrip(".").lower() in _TITLE_ROLES:
            anchors.append(_Anchor(pb, pa, "crew", full, None))  # "President F. D. Roosevelt"
            continue
        source = _SOURCE_AFTER.match(after)
        if source and (_verb_follows(after[source.end() :]) or after[source.end() :][:1] == ","):
            outlet = source.group(1)
            if (
                not _is_crew(full, doc)
                and outlet.split()[0] not in _NOT_NAME_START
                and full.split()[-1] not in _BODY_WORDS
            ):
                if not _plausible_outlet(outlet):  # "Tess Arden of Los Angeles called it"
                    anchors.append(_Anchor(pb + source.end(), pa, "critic", full, None))
                    continue
                doc.critic_outlet.setdefault(full, outlet)
                anchors.append(_Anchor(pb + source.end(), pa, "critic", full, outlet))
                continue
        if not said_after and _FILLER_VERB.match(after):
            said_after = True
        if not said_after and not by_before and _opens_clause(low, pa):
            # "Roger Ebert was impressed by the design, but claimed "..."": the subject of a
            # verb of saying further on in its clause (not an object: "gave praise to Ermey
            # and D'Onofrio, saying ...")
            verb = _verb_after(low, pb) if verb == -2 else verb
            said_after = verb >= 0
        if not (said_after or by_before or role_before):
            anchors.append(_Anchor(pb, pa, "mention", full, None))
            continue
        if full.split()[-1] in _BODY_WORDS:
            anchors.append(_Anchor(pb, pa, "crew", full, None))
            continue
        if full.split()[-1] in _ORG_WORDS and not role_before:
            anchors.append(_Anchor(pb, pa, "critic", None, full))
            continue
        if _is_crew(full, doc) or (crew_before and not role_before):
            anchors.append(_Anchor(pb, pa, "crew", full, None))
        else:
            anchors.append(_Anchor(pb, pa, "critic", full, doc.critic_outlet.get(full)))
    if "onsensus" in s or "ummary" in s:
        for m in _CONSENSUS.finditer(s):
            anchors.append(_Anchor(m.end(), m.start(), "critic", None, "Rotten Tomatoes"))
    # One pass over the words: pronoun subjects, "the critic"/"the review", generic critics
    # and crew role words, each only where a verb of saying follows (or, for critics, anywhere).
    # The anchors this pass adds end at the current word, so only the last can still cover a
    # later one; the others are asked through an index.
    named = spans_of((a.start, a.pos) for a in anchors)
    last_end = -10
    prev = ""
    for m in _WORD_LOW.finditer(low):
        word = m.group()
        if word not in _ANCHOR_WORDS:
            prev = word
            continue
        ws, we = m.span()
        if in_quote(ws):
            prev = word
            continue
        if (word in _PRONOUNS or (prev in _DETERMINERS and word in _CARRY_NOUNS)) and (
            _verb_follows(s[we : we + 50])
        ):
            start = ws if word in _PRONOUNS else ws - len(prev) - 1
            anchors.append(_Anchor(we, start, "carry"))
            last_end = we
        elif word in _GENERIC_WORDS and not named.covers(ws) and ws >= last_end:
            anchors.append(_Anchor(we, ws, "generic"))
            last_end = we
        elif word in _ROLE_WORDS and not named.covers(ws, 3) and ws >= last_end + 3:
            tail = s[we : we + 50]
            # "praised the two lead actors, stating ...": a participle after a comma belongs
            # to the sentence's subject, not to a role noun in its object
            object_noun = tail.lstrip()[:1] == "," and ws > 25
            if not object_noun and (_verb_follows(tail) or _CREW_SAID.match(tail)):
                anchors.append(_Anchor(we, ws, "crew"))
                last_end = we
        prev = word
    opener = _SUBJECTLESS.match(low)
    if opener and not anchors:
        # "And described the performance as "...": the subject of the sentence before.
        anchors.append(_Anchor(opener.end(), 0, "carry"))
    anchors.sort(key=lambda a: a.pos)
    merged = _merge(anchors, s)
    for a in merged:
        if a.kind == "critic" and a.critic and a.outlet:
            doc.critic_outlet.setdefault(a.critic, a.outlet)  # "Murray then criticized ..."
    return merged


_OUTLET_THEN_CRITIC = re.compile(
    r"[\s,]*(?:\([^()]{0,80}\)[\s,]*)?(?:(?:review|column|piece|article)\s*,\s*)?"
    r"(?:(?:where|in which|whose|with)\s+)?"
    r"(?:(?:film\s+|movie\s+)?(?:critic|reviewer|writer|columnist)\s+)?"
    r"|(?:'s|’s)\s+(?:[\w-]+\s+){0,3}?(?:review|critique|column|piece|essay)\s+(?:of\s+(?:the\s+)?(?:film|movie)\s+)?by\s+"
)
_CRITIC_THEN_OUTLET = re.compile(
    r"[\s,]*(?:(?:who\s+)?(?:writing|writes|wrote|reviewing|reviewed)\s+"
    r"(?:it\s+)?(?:for|in)\s+(?:the\s+)?(?:[A-Z][\w]+(?:'s|’s)\s+)?)?",
    re.IGNORECASE,
)


def _merge(anchors: list[_Anchor], s: str) -> list[_Anchor]:
    """Give a critic without an outlet the outlet named next to it in the same sentence
    ("In a review for _Y_, X wrote", "X, writing for _Y_, called it")."""
    # The critic anchor after each anchor, found in one backward sweep.
    next_critic: list[_Anchor | None] = [None] * len(anchors)
    following: _Anchor | None = None
    for i in range(len(anchors) - 1, -1, -1):
        next_critic[i] = following
        if anchors[i].kind == "critic":
            following = anchors[i]
    out: list[_Anchor] = []
    absorbed: set[int] = set()  # ids of outlet anchors merged into the critic after them
    prev: _Anchor | None = None  # the critic anchor before the current one
    for i, a in enumerate(anchors):
        original = a
        if a.kind == "critic" and a.critic and a.outlet is None:
            nxt = next_critic[i]
            if (
                prev is not None
                and prev.critic is None
                and prev.outlet
                and a.start - prev.pos <= _NEAR
                and _OUTLET_THEN_CRITIC.fullmatch(s[prev.pos : a.start])
            ):
                absorbed.add(id(prev))
                a = _Anchor(a.pos, prev.start, "critic", a.critic, prev.outlet)
            elif (
                nxt is not None
                and nxt.critic is None
                and nxt.outlet
                and nxt.start - a.pos <= _NEAR
                and _CRITIC_THEN_OUTLET.fullmatch(s[a.pos : nxt.start])
            ):
                a = _Anchor(nxt.pos, a.start, "critic", a.critic, nxt.outlet)
        if original.kind == "critic":
            prev = original
        out.append(a)
    return [a for a in out if id(a) not in absorbed] if absorbed else out


class _Picker:
    """The anchors of one sentence, indexed for `pick`: each quote asks a few binary searches
    instead of filtering every anchor (a sentence may hold many quotes and many anchors)."""

    def __init__(self, anchors: list[_Anchor], doc: _Doc) -> None:
        self.anchors = anchors  # sorted by pos
        self.main = [a for a in anchors if a.kind not in {"generic", "mention"}]
        self.main_pos = [a.pos for a in self.main]
        self.generic_pos = [a.pos for a in anchors if a.kind == "generic"]
        self.generic = [a for a in anchors if a.kind == "generic"]
        speakers = [(a.start, i) for i, a in enumerate(anchors) if a.kind in _VOICES]
        speakers.sort()
        self.speaker_start = [st for st, _ in speakers]
        self.speaker_index = [i for _, i in speakers]
        # Who a "He praised ..." in this sentence can point back to.
        self.subjects = [
            a
            for a in anchors
            if a.kind in _SPEAKERS
            or (a.kind == "mention" and not _is_crew(a.critic or "", doc))
        ]
        self.subject_pos = [a.pos for a in self.subjects]

    def pick(self, qs: int, qe: int, s: str) -> _Anchor | None:
        """The anchor that governs the quote at [qs, qe) of sentence `s`."""
        after = s[qe : qe + 200]
        m = _AFTER_QUOTE.match(after)
        if m or _verb_follows(after):
            lead = m.end() if m else len(after) - len(after.lstrip(" ,"))
            lo = bisect.bisect_left(self.speaker_start, qe)
            hi = bisect.bisect_right(self.speaker_start, qe + lead + 50)
            if lo < hi:
                return self.anchors[min(self.speaker_index[lo:hi])]
        i = bisect.bisect_right(self.main_pos, qs)
        if i:
            return self.main[i - 1]
        # "Reviews stated it was "X", with Y of Z calling it ...": critics in general, named
        # before the quote, speak it rather than the critic named after it.
        j = bisect.bisect_right(self.generic_pos, qs)
        if j:
            return self.generic[j - 1]
        for a in self.main[i:]:
            if a.start >= qe:
                return a
        return None

    def subject_before(self, pos: int) -> _Anchor | None:
        """The last anchor ending by `pos` that a pronoun subject may stand for."""
        i = bisect.bisect_right(self.subject_pos, pos)
        return self.subjects[i - 1] if i else None


# The last word of every _DIALOGUE_BEFORE alternative but "met with a ..." (checked apart).
_DIALOGUE_LAST = frozenset(
    """exclaim exclaims exclaimed shout shouts shouted yell yells yelled scream screams screamed
    whisper whispers whispered him her them replies replied responds answers answered retorts
    retorted asks line lines catchphrase phrase dialogue says mutters muttered cries cried quote
    words""".split()  # noqa: SIM905 (word lists read better as text)
)
# The last word of every _STRONG_TITLE_BEFORE alternative.
_TITLE_LAST = frozenset(
    """titled entitled named renamed retitled as song songs single track episode episodes
    chapter album poem tagline line slogan word words term phrase catchphrase nickname nicknamed
    codenamed title of rated rating certificate classification a an article essay column book
    terms phrases label labels expression expressions
    list series segment feature piece number ballad anthem theme hit cover award category
    section programme program show the""".split()  # noqa: SIM905 (word lists read better as text)
)


def _first_word(text: str) -> str:
    """The first space-separated word of `text` (a cheap filter before a scan)."""
    words = text.split(None, 1)
    return words[0] if words else ""


def _tail_word(text: str) -> str:
    """The last space-separated word of `text`, lower-cased (a cheap filter before a scan)."""
    words = text.rsplit(None, 1)
    return words[-1].lower() if words else ""


def _last_word(text: str) -> str:
    """The lower-cased last word of `text`, after trailing spaces and one comma or colon."""
    t = text.rstrip()
    if t and t[-1] in ",:":
        t = t[:-1].rstrip()
    i = len(t)
    while i and (t[i - 1].isalnum() or t[i - 1] == "_"):
        i -= 1
    return t[i:].lower()


def _override(s: str, qs: int, qe: int, inner: str) -> tuple[QuoteKind, str] | None:
    """Kinds fixed by the quote's own shape or its immediate neighbours, with the reason."""
    before = s[max(0, qs - 1 - 60) : max(0, qs - 1)]
    after = s[qe + 1 : qe + 60]
    stripped = inner.strip().rstrip(".,;:!?")
    # Both "before" patterns must end at the window's end, on one of a few words: checking the
    # last word first spares most quotes two slow end-anchored regex searches.
    last = _last_word(before)
    if (last in _DIALOGUE_LAST or "met with" in before.lower()) and _DIALOGUE_BEFORE.search(
        before
    ):
        return "dialogue", "a line spoken in the film (a verb of speech before it)"
    if _GRADE.fullmatch(stripped) and _RATING_CONTEXT.search(s):
        return "other", "a grade or a rating"
    if (last in _TITLE_LAST and _STRONG_TITLE_BEFORE.search(before)) or _WORD_AFTER.match(after):
        return "other", "a title, a name or a word under discussion"
    if (any(cue in inner for cue in _MONEY_CUES) and _MONEY.search(inner)) or (
        stripped.lower() in _VERDICTS and _VERDICT_CONTEXT.search(s.lower())
    ):
        return "other", "a box-office report or verdict"
    return None


# A quote about takings ("made a business of 25 crore") or a trade verdict ("a "super hit"
# at the box office") is box-office talk, not a review.
_MONEY = re.compile(
    r"[$£€₹]\s?\d|\d\s*(?:crore|lakh|million|billion)\b|\bbusiness of\b|\bcollections?\b"
)
# Substrings one of which every _MONEY match holds: checking them spares most quotes a scan.
_MONEY_CUES = ("$", "£", "€", "₹", "crore", "lakh", "illion", "business of", "collection")
_VERDICTS = frozenset(
    [
        "hit",
        "super hit",
        "super-hit",
        "superhit",
        "blockbuster",
        "blockbuster hit",
        "all time blockbuster",
        "flop",
        "disaster",
        "average",
        "above average",
        "below average",
        "semi-hit",
        "success",
    ]
)
_VERDICT_CONTEXT = re.compile(r"box[- ]office|verdict|declared|collections?|business")


_SMALL_WORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "and",
        "or",
        "in",
        "on",
        "at",
        "to",
        "for",
        "with",
        "from",
        "by",
        "as",
        "vs",
    ]
)


def _title_like(inner: str) -> bool:
    """A short span of capitalised words ("Great Movies", "The Burning Hell.") names a title;
    one all in capitals ("HEARST BANS RKO FROM PAPERS") is a headline."""
    if len(inner) > 120:
        return False  # no title, no headline
    words = inner.strip().rstrip(".,!?:;").split()
    if len(words) >= 3 and inner.isupper():
        return True
    if not words or len(words) > 6 or len(inner.strip()) < 3:
        return False
    if any(w[:1] in "\"'“‘[(" for w in words):
        return False
    caps = [w for w in words if w.lower() not in _SMALL_WORDS or w is words[0]]
    return all(w[:1].isupper() or w[:1].isdigit() for w in caps) and not inner.isupper()


_CRITICAL_HEADING = re.compile(
    r"recep|critic|review|response|reaction|acclaim|assessment|legacy|retro"
)


def _section_kind(line: str) -> str | None:
    """'critical' / 'other' for a heading line, None for a line that is not a heading."""
    words = line.split()
    if not words or len(words) > 6 or line.rstrip()[-1:] in '.:!?,;"”' or "|" in line:
        return None
    low = line.lower()
    if _CRITICAL_HEADING.search(low):
        return "critical"
    return "other"


_CARRY_OPENER = re.compile(r"(?:He|She|They|It|The)\b")
# Wiki possessive templates left in the text: "_Empire_{{'}}s Ian Nathan", "_Variety_{{'s}} Joe".
_TEMPLATE_POSS = re.compile(r"\{\{['’](?:s\}\}|\}\}s?)")


def _untemplate(m: re.Match[str]) -> str:
    """ "{{'}}s" -> "'s" padded with spaces to the same length, so offsets hold."""
    mark = "'s" if "s" in m.group() else "'"
    return mark + " " * (len(m.group()) - len(mark))


# Critics Wikipedia often names without an outlet ("Roger Ebert gave it three stars").
_KNOWN_CRITICS = frozenset({"Ebert", "Siskel", "Maltin", "Berardinelli", "Kael", "Kermode"})
_FIRST_PERSON = re.compile(r"\b(?:I|I'm|I've|I'd|my|me|mine)\b|\bI[’'](?:m|ve|d)\b")


class _RolesInSentence:
    """Whether a sentence names a critic's role ("critic", "reviewer"), asked at most once."""

    def __init__(self, sentence: str) -> None:
        self._sentence = sentence
        self._found: bool | None = None

    def __bool__(self) -> bool:
        if self._found is None:
            self._found = _CRITIC_ROLES_LOW.search(self._sentence.lower()) is not None
        return self._found


def _personal_statement(
    anchor: _Anchor, inner: str, roles: _RolesInSentence, doc: _Doc
) -> bool:
    """A first-person remark ("I walked out of it ...", "my number one") by a named person with
    no outlet and no critic's role anywhere in sight is a filmmaker's or a fan's statement."""
    who = anchor.critic
    if who is None or anchor.outlet is not None or who in doc.critic_outlet:
        return False
    if who in doc.critics or _surname(who) in _KNOWN_CRITICS:
        return False
    if _FIRST_PERSON.search(inner) is None:
        return False
    return not roles


# Caps on what is not prose (issue 16: no input may cost more than its size). A quote within
# a quote within a quote is skipped: "“““…”””" would otherwise quote most of the text n times.
MAX_NESTING = 1
# A paragraph with more than MAX_MARKS_PER_LINE quote marks (sentences.py) is not prose: no
# quotes are read from it. Attribution costs ~0.1 ms a quote; beyond MAX_ATTRIBUTED in one
# text, quotes are kept as `other`; beyond MAX_QUOTES, none are kept.
MAX_ATTRIBUTED = 2000
MAX_QUOTES = 10_000


def _quote_spans(text: str, sentences: list[Sentence]) -> list[tuple[int, int, int, bool]]:
    """(start, end, sentence index, nested) of every quoted span, in order, up to MAX_QUOTES,
    paragraphs too thick with quote marks to be prose left out.

    A quote left open ends where its sentence does, or at the next quote mark of its line,
    whichever comes first: a run of stray opening marks is a run of short quotes, not
    quotes that each hold the rest of the paragraph."""
    starts = [s.start for s in sentences]
    spans: list[tuple[int, int, int, bool]] = []
    base = 0
    for raw in text.splitlines(keepends=True):
        if 0 < quote_marks(raw) <= MAX_MARKS_PER_LINE and len(spans) < MAX_QUOTES:
            line = raw.rstrip("\r\n")
            pairs, unclosed = quote_pairs(line)
            open_ends: list[int] = []  # closing positions of the pairs that hold this one
            for o, c in pairs:
                while open_ends and open_ends[-1] < o:
                    open_ends.pop()
                depth = len(open_ends)
                open_ends.append(c)
                if c > o + 1 and depth <= MAX_NESTING:
                    si = bisect.bisect_right(starts, base + o) - 1
                    spans.append((base + o + 1, base + c, si, depth > 0))
            if unclosed:
                marks = sorted([*unclosed, *(o for o, _ in pairs), *(c for _, c in pairs)])
                for o in unclosed:
                    si = bisect.bisect_right(starts, base + o) - 1
                    if si < 0:
                        continue
                    k = bisect.bisect_right(marks, o)
                    end = sentences[si].end
                    if k < len(marks):
                        end = min(end, base + marks[k])
                    if end > base + o + 1 and text[base + o + 1 : end].strip():
                        spans.append((base + o + 1, end, si, False))
        base += len(raw)
    spans.sort()
    return spans[:MAX_QUOTES]


_CAPPED = "not read for attribution: too many quotes in one text"
_NO_SPEAKER = "no critic, outlet or speaker named in or before its sentence"
_PERSONAL = "a first-person remark by someone named without an outlet or a critic's role"
_SPEAKER_KIND = {
    "crew": "the speaker is cast or crew",
    "other": "an audience poll or a box-office source, not a critic",
    "interview": "news, or words said to a paper or in an interview, not a review",
    "mention": "someone named but not as its speaker",
}


def _critic_rule(a: _Anchor) -> str:
    if a.critic and a.outlet:
        return "critic and outlet"
    if a.outlet:
        return "outlet"
    if a.critic:
        return "critic"
    return "critics' words"


class _Attribution:
    """Attribution state across one text's sentences: anchors per sentence (found when a
    quote needs them), the paragraph each sentence opens, and the last speaker seen."""

    # How far back a pronoun, "the critic" or a bare name looks for who it stands for.
    LOOKBACK = 3

    def __init__(self, text: str, sentences: list[Sentence], doc: _Doc) -> None:
        self.text = text
        self.sentences = sentences
        self.doc = doc
        self._anchors: dict[int, list[_Anchor]] = {}
        # The index of the first sentence of each sentence's paragraph (line).
        self.para_first: list[int] = []
        first = 0
        for i, sent in enumerate(sentences):
            if sent.line_start:
                first = i
            self.para_first.append(first)

    def sentence_text(self, i: int) -> str:
        s = self.sentences[i].text
        return _TEMPLATE_POSS.sub(_untemplate, s) if "{{" in s else s

    def anchors(self, i: int, qspans: list[tuple[int, int]] | None = None) -> list[_Anchor]:
        """Sentence `i`'s anchors (computed once; `qspans` are its quotes, with their marks)."""
        found = self._anchors.get(i)
        if found is None:
            found = _anchors(self.sentence_text(i), self.doc, qspans or [])
            self._anchors[i] = found
        return found

    def speaker_before(self, i: int) -> tuple[_Anchor, int] | None:
        """The nearest speaker (critic, outlet, crew, or a person named as a subject) in the
        sentences just before sentence `i` of its paragraph, with its offset in the text.

        A person named without a verb of saying or a critic's role ("Julie Lalonde, who runs
        a shelter, complained") is returned as a `crew` anchor unless the text knows them as a
        critic: a pronoun after them carries their words, not a critic's."""
        stop = max(self.para_first[i], i - self.LOOKBACK)
        for j in range(i - 1, stop - 1, -1):
            found = [
                a
                for a in self.anchors(j)
                if a.kind in _SPEAKERS or (a.kind == "mention" and a.start <= 4)
            ]
            if found:
                a = found[-1]
                if a.kind == "mention" and not self._known_critic(a.critic or ""):
                    a = _Anchor(a.pos, a.start, "crew", a.critic, None)
                return a, self.sentences[j].start + a.start
        return None

    def _known_critic(self, name: str) -> bool:
        doc = self.doc
        return (
            name in doc.critics or name in doc.critic_outlet or _surname(name) in _KNOWN_CRITICS
        )

    def outlet_of(self, critic: str, i: int) -> str | None:
        """The outlet a critic was named with, in the text so far or in the sentences just
        before sentence `i` ("Jane Roe of the Courier gave it three stars. Roe added ...")."""
        known = self.doc.critic_outlet.get(critic)
        if known is not None:
            return known
        stop = max(self.para_first[max(0, self.para_first[i] - 1)], i - 2 * self.LOOKBACK)
        surname = _surname(critic)
        for j in range(i - 1, stop - 1, -1):
            if j not in self._anchors and surname in self.sentences[j].text:
                self.anchors(j)
                known = self.doc.critic_outlet.get(critic)
                if known is not None:
                    return known
        return None


def find_quotes(text: str, sentences: list[Sentence], ctx: Context) -> list[Quote]:
    """Every double-quoted span in order, classified critic / dialogue / other with attribution.

    Spans come from `sentences.quote_pairs` per line (so nesting and unclosed quotes agree with
    the splitter); attribution reads the quote's sentence, and for a pronoun, "the critic" or
    a bare surname the sentences before it."""
    if '"' not in text and "“" not in text:
        return []
    doc = _build_doc(text, ctx)
    spans = _quote_spans(text, sentences)
    by_sentence: dict[int, list[tuple[int, int, bool]]] = {}
    results: dict[tuple[int, int], Quote] = {}
    budget = MAX_ATTRIBUTED
    for qs, qe, si, nested in spans:
        if budget <= 0:
            why = (Reason(_CAPPED, qs),)
            results[(qs, qe)] = Quote(text[qs:qe], qs, qe, "other", why=why)
            continue
        budget -= 1
        by_sentence.setdefault(si, []).append((qs, qe, nested))

    reader = _Attribution(text, sentences, doc)
    last: _Anchor | None = None  # the last attribution seen, for "He praised ..."
    last_at = -1  # where it stands in the text
    for si, sent in enumerate(sentences):
        if (
            sent.line_start
            and sent.text == sent.line.strip()
            and _section_kind(sent.text) is not None
        ):
            last = None  # a heading: nothing carries across sections
            continue
        quotes_here = by_sentence.get(si)
        if not quotes_here:
            if last is not None and sent.line_start:
                last = None if not _CARRY_OPENER.match(sent.text) else last
            continue
        s = reader.sentence_text(si)
        rel = [(qs - sent.start, qe - sent.start) for qs, qe, _ in quotes_here]
        anchors = reader.anchors(si, [(a - 1, b + 1) for a, b in rel])
        picker = _Picker(anchors, doc)
        roles = _RolesInSentence(s)
        for (qs, qe, nested), (rs, re_) in zip(quotes_here, rel, strict=True):
            results[(qs, qe)] = _classify(
                text, qs, qe, nested, (rs, re_), si, s, picker, roles, reader, (last, last_at)
            )
        real = [a for a in anchors if a.kind in _SPEAKERS]
        if real:
            last, last_at = real[-1], sent.start + real[-1].start
        elif any(a.kind == "generic" for a in anchors):
            last, last_at = _Anchor(0, 0, "critic"), sent.start
    return [results[(qs, qe)] for qs, qe, _si, _n in spans if (qs, qe) in results]


def _classify(
    text: str,
    qs: int,
    qe: int,
    nested: bool,
    rel: tuple[int, int],
    si: int,
    s: str,
    picker: _Picker,
    roles: _RolesInSentence,
    reader: _Attribution,
    last: tuple[_Anchor | None, int],
) -> Quote:
    """One quote's kind and attribution, with the reason."""
    doc = reader.doc
    sent_start = reader.sentences[si].start
    inner = text[qs:qe]
    rs, re_ = rel
    override = _override(s, rs, re_, inner)
    anchor = picker.pick(rs, re_, s)
    resolved = anchor
    rule, at = "", -1 if anchor is None else sent_start + anchor.start
    if anchor is not None and anchor.kind == "carry":
        resolved = picker.subject_before(anchor.start)
        rule = "a pronoun or 'the critic' carries the speaker named before it"
        if resolved is not None:
            at = sent_start + resolved.start
        else:
            before = reader.speaker_before(si) or (last if last[0] is not None else None)
            if before is not None:
                resolved, at = before
                rule = "a pronoun or 'the critic' carries the speaker of an earlier sentence"
        if resolved is not None and resolved.kind == "mention":
            who = resolved.critic or ""
            resolved = _Anchor(
                resolved.pos,
                resolved.start,
                "crew" if _is_crew(who, doc) else "critic",
                who,
                doc.critic_outlet.get(who),
            )
    elif anchor is not None and anchor.kind == "generic":
        resolved = _Anchor(anchor.pos, anchor.start, "critic")
        rule = "critics in general"
    elif anchor is not None:
        rule = "named in its sentence"
    elif (
        last[0] is not None
        and last[0].kind == "critic"
        and not s[: rs - 1].strip()
        and not s[re_ + 1 :].strip(" .,;!?")
    ):
        # A sentence that is all quotation, after a critic's: the quotation goes on.
        resolved, at = last
        rule = "a quote standing alone after a critic's sentence continues it"
    if (
        resolved is not None
        and resolved.kind == "critic"
        and resolved.critic
        and resolved.outlet is None
    ):
        outlet = reader.outlet_of(resolved.critic, si)
        if outlet is not None:
            resolved = _Anchor(resolved.pos, resolved.start, "critic", resolved.critic, outlet)
            rule += ", with the outlet named beside the critic earlier"
    if override is None and nested:
        override = "other", "a quote within a quote"
    elif override is None and _title_like(inner):
        override = "other", "a short run of capitalised words: a title"
    if override is not None:
        return Quote(inner, qs, qe, override[0], why=(Reason(override[1], qs),))
    if resolved is None:
        return Quote(inner, qs, qe, "other", why=(Reason(_NO_SPEAKER, qs),))
    if resolved.kind != "critic":
        why = (Reason(f"{_SPEAKER_KIND[resolved.kind]} ({rule})", at),)
        return Quote(inner, qs, qe, "other", why=why)
    if _personal_statement(resolved, inner, roles, doc):
        return Quote(inner, qs, qe, "other", why=(Reason(_PERSONAL, at),))
    if resolved.critic:
        doc.critics.add(resolved.critic)
    why = (Reason(f"{_critic_rule(resolved)} {rule}", at),)
    return Quote(inner, qs, qe, "critic", resolved.critic, resolved.outlet, why)
