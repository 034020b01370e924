"""Plot helpers (training). Re-exported by musiclib.plots."""

__all__: list = []
