"""GOVDASH_* settings read from a given environment (data_access/settings.py)."""

from __future__ import annotations

import pytest

from data_access.settings import default_database_url, load_settings


def test_defaults_without_any_variable():
    settings = load_settings({})
    assert settings.database_url == default_database_url()
    assert settings.cache_url is None
    assert settings.lang == "zh"
    assert settings.prefetch is True


@pytest.mark.parametrize(
    ("value", "prefetch"),
    [("0", False), ("off", False), ("False", False), (" no ", False), ("1", True), ("yes", True)],
)
def test_prefetch_can_be_turned_off(value, prefetch):
    assert load_settings({"GOVDASH_PREFETCH": value}).prefetch is prefetch


def test_an_unknown_language_falls_back_to_chinese():
    assert load_settings({"GOVDASH_LANG": "fr"}).lang == "zh"
    assert load_settings({"GOVDASH_LANG": "en"}).lang == "en"
