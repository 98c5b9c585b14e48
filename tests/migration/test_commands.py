from __future__ import annotations

import pytest

from channel_mdm.cli import main


def test_migrate_upgrade_then_current(tmp_path, monkeypatch, capsys):
    url = f"sqlite:///{tmp_path / 'data' / 'store.sqlite'}"
    monkeypatch.setenv("CHANNEL_MDM_STORE_URL", url)

    assert main(["migrate", "current"]) == 0
    assert capsys.readouterr().out == (
        f"store {url} is at revision <empty> (latest is 0007; run 'channel-mdm migrate upgrade')\n"
    )
    assert main(["migrate", "upgrade"]) == 0
    assert main(["migrate", "current"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"store {url} is at revision 0007 (latest)",
        f"store {url} is at revision 0007 (latest)",
    ]


def test_reconcile_sample_size_for_a_finite_population(capsys):
    assert (
        main(
            [
                "reconcile",
                "sample-size",
                "--population",
                "10000",
                "--confidence",
                "0.95",
                "--error-rate",
                "0.001",
            ]
        )
        == 0
    )
    assert capsys.readouterr().out.splitlines() == [
        "sample 2,995 records per stratum, finding no defect, to claim error rate below 0.1% with 95% confidence",
        "for a stratum of 10,000 records: 2,588 (sampling without replacement)",
    ]


def test_reconcile_options_before_the_action_are_kept(capsys):
    assert main(["reconcile", "--confidence", "0.99", "sample-size"]) == 0
    assert capsys.readouterr().out == (
        "sample 459 records per stratum, finding no defect, to claim error rate below 1% with 99% confidence\n"
    )


def test_reconcile_rejects_an_impossible_confidence(capsys):
    assert main(["reconcile", "sample-size", "--confidence", "95"]) == 2
    assert capsys.readouterr().err == (
        "channel-mdm reconcile: error: confidence must be between 0 and 1 (e.g. 0.95), not 95.0\n"
    )


def test_reconcile_render_rewrites_the_report_from_json(tmp_path, capsys):
    from migration.report import write_report
    from migration.results import ReconciliationResult

    files = write_report(
        ReconciliationResult("2026-11-26T00:00:00+00:00", "sqlite://", 0.95, 0.01, 1), tmp_path
    )
    files.html.unlink()

    assert main(["reconcile", "render", str(files.json)]) == 0
    assert files.html.exists()
    assert capsys.readouterr().out == f"wrote {files.html}, {files.json} and {files.sampled_keys}\n"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such file; pass the reconciliation JSON written beside the HTML report"),
        ("{}", "not a reconciliation JSON report ('generated_at'); re-run the reconciliation"),
    ],
)
def test_reconcile_render_explains_a_bad_json(tmp_path, capsys, content, message):
    path = tmp_path / "reconciliation.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")

    assert main(["reconcile", "render", str(path)]) == 2
    assert capsys.readouterr().err == f"channel-mdm reconcile: error: {path}: {message}\n"
