"""Plot helpers (spectral). Re-exported by musiclib.plots."""

__all__: list = []
