"""The ingest core: kind detection, the change preview, stale previews, restore."""

from __future__ import annotations

import io
import shutil

import duckdb
import openpyxl
import pytest

from centrale.intake import ingest
from centrale.intake.folder import ensure_sources_folder
from tests.conftest import SAMPLE_DIR
from tests.ingest_files import MONTH_OF_ORDERS


@pytest.fixture
def workspace(demo_db, test_settings):
    shutil.copy(demo_db, test_settings.db_path)
    ensure_sources_folder(test_settings)
    return test_settings


def _orders_workbook_edited() -> bytes:
    """The demo orders with one amount changed and the last order removed."""
    book = openpyxl.load_workbook(SAMPLE_DIR / "orders.xlsx")
    sheet = book.active
    header = [c.value for c in sheet[1]]
    amount = header.index("montant HTVA") + 1
    sheet.cell(row=2, column=amount).value = 99999.99
    sheet.delete_rows(sheet.max_row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_kind_is_detected_from_headers_when_the_name_says_nothing(workspace):
    assert ingest.receive_upload(workspace, "octobre.csv", MONTH_OF_ORDERS).kind == "orders"
    data = (SAMPLE_DIR / "adhesions.csv").read_bytes()
    assert ingest.receive_upload(workspace, "export.csv", data).kind == "adhesions"
    with pytest.raises(ingest.UploadRefused, match="choisissez le type"):
        ingest.receive_upload(workspace, "notes.csv", b"a;b\n1;2\n")


def test_replacing_a_file_previews_changed_and_removed_rows(workspace):
    upload = ingest.receive_upload(workspace, "orders.xlsx", _orders_workbook_edited())
    preview = ingest.preview_upload(workspace, upload, replaces="orders.xlsx")
    assert preview.ok, preview.validated.errors
    summary = ingest.diff_summary(preview.diff).set_index("table")
    assert summary.loc["orders", ["added", "changed", "removed"]].tolist() == [0, 1, 1]
    changed = preview.diff["orders"].changed.iloc[0]
    assert (changed["order_id"], changed["column"], changed["after"]) == (
        "CA-2019-001",
        "amount_eur",
        "99999.99",
    )
    assert preview.diff["orders"].removed.iloc[0]["order_id"] == "CA-2026-010"
    # Only orders change: every other table is identical.
    assert list(summary.index) == ["orders"]


def test_a_preview_made_before_another_load_cannot_be_applied(workspace):
    first = ingest.preview_upload(
        workspace, ingest.receive_upload(workspace, "commandes-a.csv", MONTH_OF_ORDERS)
    )
    other = MONTH_OF_ORDERS.replace(b"CA-2026-10", b"CA-2026-50")
    second = ingest.preview_upload(
        workspace, ingest.receive_upload(workspace, "commandes-b.csv", other)
    )
    ingest.apply_upload(workspace, second, "marie")
    store = workspace.db_path.read_bytes()
    with pytest.raises(ingest.ApplyRefused, match="ont changé depuis l'aperçu"):
        ingest.apply_upload(workspace, first, "paul")
    assert workspace.db_path.read_bytes() == store


def test_every_load_made_here_can_be_restored_and_restoring_is_a_load(workspace):
    upload = ingest.receive_upload(workspace, "commandes.csv", MONTH_OF_ORDERS)
    ingest.apply_upload(workspace, ingest.preview_upload(workspace, upload), "marie")
    available = ingest.restorable_loads(workspace)
    assert all(not missing for missing in available.values())  # demo files were archived
    ingest.restore_load(workspace, 1, "marie")
    with duckdb.connect(str(workspace.db_path), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM orders").fetchone()[0] == 82
        last = con.execute("SELECT action FROM load_log ORDER BY load_id DESC LIMIT 1").fetchone()
    assert last == ("restore",)
    assert not (workspace.sources_dir / upload.safe_name).exists()
    # …and the restore can itself be undone: back to the import.
    import_load = max(available)
    ingest.restore_load(workspace, import_load, "marie")
    assert (workspace.sources_dir / upload.safe_name).read_bytes() == MONTH_OF_ORDERS


def test_a_load_whose_files_were_not_kept_is_not_restorable(workspace):
    (workspace.sources_dir / "adhesions.csv").write_bytes(
        (SAMPLE_DIR / "adhesions.csv").read_bytes() + b"Attert;01/02/2026;\n"
    )
    assert ingest.restorable_loads(workspace)[1] == ["adhesions.csv"]
    with pytest.raises(ingest.ApplyRefused, match="adhesions.csv"):
        ingest.restore_load(workspace, 1, "marie")


def test_an_excel_unicode_text_upload_is_text_not_binary_and_its_kind_is_read(workspace):
    """Excel's « Texte Unicode » (UTF-16, NUL bytes and all) goes through the browser's
    upload like through the folder: one decoding of a CSV (read.decode_csv)."""
    from tests.ingest_files import UNICODE_TEXT_ADHESIONS

    upload = ingest.receive_upload(workspace, "export.csv", UNICODE_TEXT_ADHESIONS)
    assert upload.kind == "adhesions"  # from its headers, decoded as UTF-16
    with pytest.raises(ingest.UploadRefused, match="contenu binaire"):
        ingest.receive_upload(workspace, "orders.csv", b"\x00\x01\x02binary\x00" * 20)
