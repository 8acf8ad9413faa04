"""Read back the figure Streamlit sends to the browser (as AppTest exposes it)."""

from __future__ import annotations

import base64
import json

import numpy as np


def _decode(value):
    # plotly ≥ 6 sends numeric arrays as {"dtype", "bdata"(base64), "shape"?}.
    if isinstance(value, dict):
        if set(value) >= {"dtype", "bdata"}:
            array = np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
            if "shape" in value:
                array = array.reshape([int(n) for n in str(value["shape"]).split(",")])
            return array.tolist()
        return {k: _decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return value


def figures(at) -> dict[str, dict]:
    """Each st.plotly_chart of an AppTest run, decoded, by its title (or its key)."""
    shown = {}
    for chart in at.get("plotly_chart"):
        spec = _decode(json.loads(chart.proto.spec))
        title = (spec["layout"].get("title") or {}).get("text") or chart.proto.id
        shown[title] = spec
    return shown
