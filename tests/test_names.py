"""Commune names as staff type them -> NIS codes, with suggestions."""

import pytest

from centrale.sources.reference import Reference


@pytest.fixture(scope="module")
def matcher(reference_data):
    return reference_data.reference().matcher


@pytest.mark.parametrize(
    "typed, nis",
    [
        ("Vaux-sur-Sûre", "82036"),
        ("Vaux sur Sure", "82036"),
        ("  VAUX  SUR SURE ", "82036"),
        ("Libramont", "84077"),
        ("Libramont-Chevigny", "84077"),
        ("84077", "84077"),
        ("84077.0", "84077"),
        ("La Roche en Ardenne", "83031"),
        ("Meix-devant-Virton", "85024"),
        ("Meix", "85024"),
        ("Neufchateau", "84043"),  # the province's, not Neufchâteau in Liège
        ("Charleroi", "52011"),  # other provinces resolve too (regional subsidies)
    ],
)
def test_names_codes_and_aliases_resolve(matcher, typed, nis):
    assert matcher.resolve(typed) == nis


def test_unknown_names_get_close_suggestions(matcher):
    assert matcher.resolve("Bertrixx") is None
    assert matcher.suggest("Bertrixx")[0] == "Bertrix"
    assert "Habay" in matcher.suggest("Habai")


def test_unknown_code_is_not_resolved(matcher):
    assert matcher.resolve("99999") is None


def test_province_names_resolve(reference_data):
    ref: Reference = reference_data.reference()
    assert ref.province_by_name["luxembourg"] == "80000"
    assert ref.province_by_name["brabant wallon"] == "20002"
    assert ref.province_by_name["liege"] == "60000"
