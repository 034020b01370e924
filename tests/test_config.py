"""musiclib.config: quick mode is read from the environment, and the doctests leave the process as they found it."""

import doctest
import os

import pytest

from musiclib import config


@pytest.mark.parametrize("value", [None, "", "0", "1", "no"])
def test_config_doctests_restore_quick_mode(monkeypatch, value):
    # The doctest used to set MUSICLIB_QUICK=1 for the rest of the process, switching later tests to quick mode.
    if value is None:
        monkeypatch.delenv("MUSICLIB_QUICK", raising=False)
    else:
        monkeypatch.setenv("MUSICLIB_QUICK", value)
    before = os.environ.get("MUSICLIB_QUICK")
    failures, attempted = doctest.testmod(config, verbose=False, report=False)
    assert attempted > 0 and failures == 0
    assert os.environ.get("MUSICLIB_QUICK") == before


@pytest.mark.parametrize(("value", "quick"), [("1", True), ("true", True), (" YES ", True), ("on", True),
                                              ("0", False), ("", False), ("false", False), ("maybe", False)])
def test_is_quick_reads_the_environment_at_call_time(monkeypatch, value, quick):
    monkeypatch.setenv("MUSICLIB_QUICK", value)
    assert config.is_quick() is quick
    assert config.budget(full=200, quick=3) == (3 if quick else 200)
