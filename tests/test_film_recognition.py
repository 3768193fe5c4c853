"""The film a review is about, recognised without a header: headlines, leads, and the whole
corpus of film articles as it is (the labelled title and year, else the lead's)."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest

from bot.extract import Context, extract
from bot.extract.film import smart_title_case, title_from_headline
from bot.ingest.pipeline import prepare_review
from bot.ingest.readers import Defaults, RejectedFile, read_text_review


@pytest.mark.parametrize(
    ("headline", "title", "year"),
    [
        ("‘Her’ review: Spike Jonze’s tender love story", "Her", None),
        ("'Her' review – a love story for the age of the phone", "Her", None),
        ("“Her” (2013) review: still tender", "Her", 2013),
        ("Review: Her", "Her", None),
        ("Film review: Her – a tender romance | The Lantern", "Her", None),
        ("REVIEW | ‘Her’, a love story", "Her", None),
        ("Her review – Joaquin Phoenix falls for his phone", "Her", None),
        ("Her review: love in the cloud", "Her", None),
        ("Her (2013)", "Her", 2013),
        ("The Glass Orchard (2023) – a patient family drama", "The Glass Orchard", 2023),
        ("# Review: The Tin Lantern (1998)", "The Tin Lantern", 1998),
        ("Why I stopped going to the cinema on Fridays", None, None),
        ("The ten best films of the year", None, None),
    ],
)
def test_headlines(headline: str, title: str | None, year: int | None) -> None:
    assert title_from_headline(headline) == (title, year)


@pytest.mark.parametrize(
    ("text", "title", "year"),
    [
        (
            "Her is a 2013 American science-fiction romantic drama film written and directed "
            "by Spike Jonze. It follows a lonely writer.",
            "Her",
            2013,
        ),
        ("_THE KID FROM THE BIG APPLE_ is a 2016 Malaysian film.", "The Kid from the Big Apple",
         2016),
        ("_NGK_ is a 2019 Indian film. _NGK_ opened in May.", "NGK", 2019),
        (
            "_SPIDER-MAN: FAR AWAY_ is a 2031 superhero film. _Spider-Man: Far Away_ grossed "
            "a lot.",
            "Spider-Man: Far Away",
            2031,
        ),
        ("}} is a 1988 animated film.\n\nRelease\n\n_Totoro Hill_ opened. _Totoro Hill_ won.",
         "Totoro Hill", 1988),
        ("# ‘Saltmarsh’ review: a tender coastal romance\n\nThe sisters return home.",
         "Saltmarsh", None),
    ],
)
def test_leads(text: str, title: str, year: int | None) -> None:
    film = extract(text, Context()).film
    assert (film.title, film.year) == (title, year)


def test_smart_title_case() -> None:
    assert smart_title_case("MONTY PYTHON'S LIFE OF BRIAN") == "Monty Python's Life of Brian"
    assert smart_title_case("STAR TREK: THE WRATH") == "Star Trek: The Wrath"


def test_file_name_is_a_last_hint(tmp_path: Path) -> None:
    text = "-\n\nRelease\n\nThe film opened on 29 March 2019. While watching Super Deluxe, wow."
    review = read_text_review(text, Defaults(), require_film=False)
    made = prepare_review(review, "x", name="super-deluxe-film")
    assert (made.film.title, made.film.year) == ("Super Deluxe", 2019)
    with pytest.raises(RejectedFile, match="pass --film"):
        prepare_review(review, "x", name="notes")


# Articles whose lead was lost in conversion (checked by hand; all are seen articles).
_BY_HAND = {
    "monty-python-s-life-of-brian.md": ("Monty Python's Life of Brian", 1979),
    "msg-the-warrior-lion-heart.md": ("MSG The Warrior Lion Heart", 2016),
    "my-neighbor-totoro.md": ("My Neighbor Totoro", 1988),
    "padmaavat.md": ("Padmaavat", 2018),
    "princess-mononoke.md": ("Princess Mononoke", 1997),
    "super-deluxe-film.md": ("Super Deluxe", 2019),
}
_LEAD = re.compile(r"_([^_\n]+)_([^\n]*?)\.(?:\s|$)")


def _norm(title: str | None) -> str:
    folded = unicodedata.normalize("NFKC", title or "").casefold().replace("’", "'")
    return re.sub(r"\W+", " ", folded).strip()


def test_corpus_articles_land_under_their_film(shared_dir: Path) -> None:
    corpus = shared_dir / "corpus" / "wikipedia-films"
    labels = {
        (row := json.loads(line))["file"]: (row["film"]["title"], row["film"]["year"])
        for line in (corpus / "dev-labels.jsonl").read_text().splitlines()
        if line.strip()
    }
    right = total = 0
    misses = []
    for path in sorted(corpus.glob("*.md")):
        if path.name in ("README.md", "LABELING.md"):
            continue
        text = path.read_text(encoding="utf-8")
        want = labels.get(path.name) or _BY_HAND.get(path.name)
        if want is None:
            m = _LEAD.match(text)
            if m is None:  # no italic lead: the article's name, year unchecked
                want = (path.stem.replace("-", " "), None)
            else:
                year = re.search(r"\b(1[89]\d\d|20\d\d)\b", m.group(2))
                want = (m.group(1), int(year.group(1)) if year else None)
        review = read_text_review(text, Defaults(), require_film=False)
        try:
            film = prepare_review(review, path.name, name=path.stem).film
            got: tuple[str | None, int | None] = (film.title, film.year)
        except RejectedFile:
            got = (None, None)
        total += 1
        ok = _norm(got[0]) == _norm(want[0]) and (want[1] is None or got[1] == want[1])
        right += ok
        if not ok:
            misses.append((path.name, want, got))
    assert total == 118
    assert right / total >= 0.95, misses
    assert len(misses) <= 2, misses  # today: padmaavat.md, whose text never dates its release
