"""Run one ETL build in this process and print its figures as JSON (for bench.etl).

A separate process so that the parent can read this build's own peak memory
(`os.wait4`) and so that no import or cache from another measure helps it.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from centrale.config import settings
from centrale.storage.build import build_store

if __name__ == "__main__":
    sources, db = Path(sys.argv[1]), Path(sys.argv[2])
    started = time.perf_counter()
    result = build_store(settings(), sources, db, progress=lambda _: None, action="bench")
    print(
        json.dumps(
            {
                "seconds": time.perf_counter() - started,
                "rows": sum(result.row_counts.values()),
                "source_rows": sum(f.rows for f in result.validated.files),
                "timings": result.timings,
            }
        )
    )
