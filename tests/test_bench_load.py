"""bench/load.py's arithmetic: percentiles and the targets of the results table."""

from bench.load import Run, figures_from


def test_percentiles_of_page_times():
    run = Run(3, page_times=[float(i) for i in range(1, 101)])
    assert run.percentile(50) == 50.5
    assert 95 <= run.percentile(95) <= 96
    assert Run(1, page_times=[2.0]).percentile(95) == 2.0


def _scenario(people, p95, errors=0):
    return {"people": people, "p50_s": p95 / 2, "p95_s": p95, "errors": errors}


def test_targets_two_times_alone_zero_errors_light_sessions():
    burst = {"people": 20, "p95_s": 5.0, "errors": 0, "ping_max_s": 0.5}
    burst["mb_per_idle_session"] = 3.0
    result = {"people": [_scenario(1, 2.0), _scenario(30, 3.9), _scenario(1, 2.2)], "burst": burst}
    figures = {(f.what, f.scale): f for f in figures_from(result)}
    ratio = next(f for f in figures.values() if f.what.startswith("p95 à 30"))
    assert ratio.runs == [3.9 / 2.1] and ratio.met  # against the median of the two "alone" runs
    assert all(f.met for f in figures.values() if f.met is not None)
    # The two "alone" runs keep apart in the table, with the run's own reading and rebuilds.
    scales = [scale for w, scale in figures if w == "page, p95" and scale.startswith("1 ")]
    assert scales == [
        "1 personne, lecture ~10 s, 5 reconstructions (avant les autres)",
        "1 personne, lecture ~10 s, 5 reconstructions (après les autres)",
    ]
    quick = {**result, "reading": 2.0, "rebuilds": 1}
    assert any("lecture ~2 s, 1 reconstructions" in f.scale for f in figures_from(quick))

    result["people"][1] = _scenario(30, 4.5, errors=1)
    burst["mb_per_idle_session"] = 60.0
    missed = [f.what for f in figures_from(result) if f.met is False]
    assert "erreurs" in missed and "mémoire serveur par session inactive" in missed
    assert any(w.startswith("p95 à 30") for w in missed)


def test_pages_right_after_a_rebuild_are_counted_apart():
    # Rebuild ended at t=100: a page running then, one started 4 s later and one 6 s later.
    run = Run(
        2,
        page_times=[3.0, 1.0, 0.5, 0.2],
        page_starts=[98.0, 104.0, 106.0, 50.0],
        rebuilt_at=[100.0],
    )
    after, other = run.after_rebuild()
    assert after == [3.0, 1.0] and other == [0.5, 0.2]
    summary = run.summary()
    assert summary["pages_after_rebuild"] == 2
    assert summary["p95_after_rebuild_s"] > summary["p95_other_pages_s"]
    result = {
        "people": [{**_scenario(1, 1.0), **summary, "people": 1}],
        "burst": {"people": 20, "p95_s": 1.0, "errors": 0, "ping_max_s": 0.1},
    }
    result["burst"]["mb_per_idle_session"] = 1.0
    apart = [f for f in figures_from(result) if "après une reconstruction" in f.what]
    assert apart and "autres pages" in apart[0].note


def test_server_processor_time_per_page():
    import os
    import time

    from bench.load import cpu_seconds

    spent = cpu_seconds(os.getpid())
    deadline = time.monotonic() + 10
    while cpu_seconds(os.getpid()) == spent and time.monotonic() < deadline:
        sum(i * i for i in range(100_000))  # work of this very process: its clock runs
    assert cpu_seconds(os.getpid()) > spent
    summary = Run(1, page_times=[0.5, 0.7], server_cpu_s=0.3).summary()
    assert summary["server_cpu_per_page_ms"] == 150
    result = {
        "people": [{**_scenario(1, 1.0), **summary, "people": 1}],
        "burst": {"people": 20, "p95_s": 1.0, "errors": 0, "ping_max_s": 0.1},
    }
    result["burst"]["mb_per_idle_session"] = 1.0
    cpu = [f for f in figures_from(result) if f.what == "temps processeur du serveur par page"]
    assert cpu[0].runs == [150]
