"""ikuanalysis: compute and explain the IKU "Persentase PPKS yang ditangani sesuai standar".

The package holds all logic; the notebooks in ``notebooks/`` only call it.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("ikuanalysis")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+unknown"
