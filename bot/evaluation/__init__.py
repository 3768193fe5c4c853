"""`pullquote eval`: score extraction against labelled articles and the seed expectations.

scoring.py holds issue 3's rules (every number quoted anywhere comes from them), classes.py
the per-class scores and misses of issue 18, data.py where the data lives and one run over
it, report.py the JSON and the tables. The corpus, the labels and the rules are described in
tests/eval/README.md.
"""

from bot.evaluation.classes import CLASSES, ClassCounts, Miss
from bot.evaluation.data import (
    EvalReport,
    EvalSetupError,
    FileScore,
    Totals,
    default_corpus,
    default_seeds,
    eval_inputs,
    label_files,
    run_eval,
    score_file,
)
from bot.evaluation.report import render_report, report_to_json
from bot.evaluation.scoring import (
    Accuracy,
    Counts,
    LabelQuote,
    LabelRelease,
    attribution_right,
    match_quotes,
    match_releases,
    parse_date,
    quote_counts,
    quotes_match,
    release_counts,
)

__all__ = [
    "CLASSES",
    "Accuracy",
    "ClassCounts",
    "Counts",
    "EvalReport",
    "EvalSetupError",
    "FileScore",
    "LabelQuote",
    "LabelRelease",
    "Miss",
    "Totals",
    "attribution_right",
    "default_corpus",
    "default_seeds",
    "eval_inputs",
    "label_files",
    "match_quotes",
    "match_releases",
    "parse_date",
    "quote_counts",
    "quotes_match",
    "release_counts",
    "render_report",
    "report_to_json",
    "run_eval",
    "score_file",
]
