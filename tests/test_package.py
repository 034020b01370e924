"""The package's lazy submodule table names only modules that exist."""

import importlib

import pytest

import musiclib


@pytest.mark.parametrize("name", sorted(musiclib._SUBMODULES))
def test_every_listed_submodule_imports(name):
    assert getattr(musiclib, name) is importlib.import_module(f"musiclib.{name}")


@pytest.mark.parametrize("name", ["metrics_typo", "no_such_module"])
def test_unknown_attribute_is_an_attribute_error(name):
    # hasattr must answer False, not raise ModuleNotFoundError for a listed-but-missing module.
    assert not hasattr(musiclib, name)
