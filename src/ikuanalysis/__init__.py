"""ikuanalysis: compute and explain the IKU "Persentase PPKS yang ditangani sesuai standar".

The package holds all logic; the notebooks in ``notebooks/`` only call it.
"""

# The one place the version is written: pyproject.toml reads it from here (a literal, so that
# starting the command does not import importlib.metadata and scan the installed packages).
__version__ = "0.1.0"
