"""Tools for tests, benchmarks and screenshots, never imported by the app."""
