"""The store: the DuckDB file the dashboard reads, how it is built from the sources
folder, checked, and its load history. Reads sources/, never writes the sources folder."""
