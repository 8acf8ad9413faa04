"""The semantic layer: measures, dimensions and facts declared once (`model`), a question
(`question`) and its compilation to DuckDB SQL (`compile`). See
docs/explanation/couche-semantique.md for why a plain registry.

Streamlit-free. Importing this package imports only the registry and the question
(no pandas); `centrale.semantic.compile` brings pandas when a page asks.
"""

from centrale.semantic.model import DIMENSIONS, FACTS, METRICS, dimensions_for, shared_dimensions
from centrale.semantic.question import Question, describe, window

__all__ = [
    "DIMENSIONS",
    "FACTS",
    "METRICS",
    "Question",
    "describe",
    "dimensions_for",
    "shared_dimensions",
    "window",
]
