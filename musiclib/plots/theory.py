"""Plot helpers (theory). Re-exported by musiclib.plots."""

__all__: list = []
