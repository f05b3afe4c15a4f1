"""Data for `netspec train`: named data sets (fetched and cached), folders and .npz files.

`load(...)` returns numpy arrays (`formats.DataSet`); `netspec.data.device` (the one module here
that imports torch) puts them on the training device. See docs/train.md for the formats and the
folders searched.
"""

from netspec.data.formats import DataError, DataSet, Split
from netspec.data.sources import SOURCES, cache_dir, load, source_named

__all__ = ["SOURCES", "DataError", "DataSet", "Split", "cache_dir", "load", "source_named"]
