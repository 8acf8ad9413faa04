"""The benchmark's scale-set generator must keep producing sources the ETL accepts."""

from __future__ import annotations

import duckdb

from bench import synth
from centrale.config import PROVINCE_NIS
from centrale.storage.build import build_store


def _tiny(scope: str) -> synth.ScaleSpec:
    return synth.ScaleSpec(orders=2_000, survey_rows=1_500, scope=scope)


def test_tiny_scale_set_builds_a_store(tmp_path, test_settings):
    sources = synth.generate(
        tmp_path / "src",
        test_settings.boundaries_path,
        test_settings.mergers_path,
        _tiny("province"),
    )
    result = build_store(test_settings, sources, tmp_path / "scale.duckdb", progress=lambda _: None)

    assert not result.validated.warnings
    assert result.row_counts["orders"] == 2_000
    assert result.row_counts["survey_answers"] == 1_500
    with duckdb.connect(str(result.db_path), read_only=True) as con:
        statuses = dict(con.execute("SELECT status, count(*) FROM orders GROUP BY ALL").fetchall())
        outside = con.execute(
            "SELECT count(*) FROM orders o JOIN communes c ON c.nis_code = o.commune_nis "
            "WHERE c.prov_nis <> ?",
            [PROVINCE_NIS],
        ).fetchone()[0]
        regions = con.execute("SELECT count(DISTINCT prov_nis) FROM subsidies").fetchone()[0]
    assert set(statuses) == {"attribué", "envoyé", "annulé"}
    assert outside == 0
    assert regions == 5  # every Walloon province gets subsidies


def test_same_seed_same_files(tmp_path, test_settings):
    paths = (test_settings.boundaries_path, test_settings.mergers_path)
    first = synth.generate(tmp_path / "a", *paths, _tiny("country"))
    second = synth.generate(tmp_path / "b", *paths, _tiny("country"))
    for name in ("orders.csv", "survey.csv", "subsidies.csv", "adhesions.csv"):
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    adhered = (first / "adhesions.csv").read_text(encoding="utf-8-sig").splitlines()
    assert len(adhered) - 1 == 581  # the country scope: every Belgian commune adheres
