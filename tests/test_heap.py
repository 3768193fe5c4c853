"""Interpreter settings applied once the bot serves (bot/heap.py)."""

from __future__ import annotations

import gc
import sys

from bot.heap import SWITCH_INTERVAL, YOUNG_THRESHOLD
from tests.interpreter import as_when_serving


def test_tune_for_serving_sets_switching_and_collection() -> None:
    interval, threshold = sys.getswitchinterval(), gc.get_threshold()
    with as_when_serving():  # tune_for_serving, undone on the way out
        assert sys.getswitchinterval() == SWITCH_INTERVAL
        assert gc.get_threshold()[0] == YOUNG_THRESHOLD
        assert gc.get_freeze_count() > 0  # what was alive at start-up is set aside
    assert (sys.getswitchinterval(), gc.get_threshold()) == (interval, threshold)
    assert gc.get_freeze_count() == 0
