"""Screenshots of every page of the real app, for the README (`make screenshots`).

    .venv/bin/python scripts/screenshots.py --db data/centrale.duckdb --out docs/screenshots

Builds the store from the demo sources if `--db` is missing, starts
`streamlit run dashboard.py` on a free local port, opens each page registered
in dashboard.py in headless Debian chromium (1400×900, network cut: any
external request is blocked and reported), waits until the page and its maps
are drawn, and writes `<out>/<page>.png` (palette PNG, well under 300 kB).
The commune page is shown for Bertrix (`?nis=84009`).
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from centrale.config import settings  # noqa: E402
from centrale.storage.build import build_store  # noqa: E402
from devtools.live_app import (  # noqa: E402
    CHROMIUM,
    AppStartError,
    Offline,
    launch_chromium,
    registered_pages,
    running_app,
)

VIEWPORT = {"width": 1400, "height": 900}
EXTRA_QUERY = {"commune": "nis=84009"}
MAX_PNG_BYTES = 300_000


def wait_rendered(page) -> None:
    """Until Streamlit's run is over (no running indicator) and the maps have pixels."""
    page.wait_for_selector('[data-testid="stMain"]', state="visible")
    for _ in range(2):
        page.wait_for_timeout(500)
        page.wait_for_function(
            """() => !document.querySelector('[data-testid="stStatusWidget"]')
                     && !document.querySelector('[data-testid="stSkeleton"]')"""
        )
    for canvas in page.locator(".maplibregl-canvas").all():
        canvas.wait_for(state="visible")
    page.wait_for_timeout(1500)  # WebGL maps and plotly transitions settle


def small_png(png: bytes) -> bytes:
    """The screenshot as a 256-colour palette PNG: a quarter of the size, same look."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    buffer = io.BytesIO()
    image.quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(
        buffer, format="PNG", optimize=True
    )
    return buffer.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=settings().db_path)
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "docs" / "screenshots")
    parser.add_argument("--date", help="date de situation AAAA-MM-JJ (défaut : aujourd'hui)")
    args = parser.parse_args(argv)
    if not CHROMIUM.exists():
        print("chromium absent : captures impossibles (apt-get install chromium)")
        return 2
    from playwright.sync_api import sync_playwright

    db = args.db if args.db.is_absolute() else REPO_ROOT / args.db
    if not db.exists():
        print(f"Base absente : construction depuis les données de démonstration -> {db}")
        build_store(settings(), settings().sample_dir, db, progress=lambda _: None)
    out = args.out if args.out.is_absolute() else REPO_ROOT / args.out
    out.mkdir(parents=True, exist_ok=True)
    log = out / ".streamlit.log"
    offline = Offline()
    try:
        with running_app(db, log) as app, sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            context = browser.new_context(viewport=VIEWPORT, locale="fr-BE")
            context.route("**/*", offline.route)
            page = context.new_page()
            page.set_default_timeout(60_000)
            page.goto(app.url)  # the entry point first: it registers the navigation
            wait_rendered(page)
            for app_page in registered_pages():
                url_path = app_page.url_path
                query = [q for q in (EXTRA_QUERY.get(url_path), args.date and f"date={args.date}")]
                query = [q for q in query if q]
                page.goto(f"{app.url}/{url_path}" + ("?" + "&".join(query) if query else ""))
                wait_rendered(page)
                png = small_png(page.screenshot())
                target = out / f"{app_page.stem}.png"
                target.write_bytes(png)
                flag = "  (> 300 kB !)" if len(png) > MAX_PNG_BYTES else ""
                print(f"{target} : {len(png) // 1024} ko{flag}")
            browser.close()
    except AppStartError as error:
        raise SystemExit(str(error)) from None
    finally:
        log.unlink(missing_ok=True)
    if offline.blocked:
        print("Requêtes externes bloquées :\n  " + "\n  ".join(offline.blocked))
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
