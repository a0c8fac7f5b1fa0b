"""Stage 4, publish: the runner and everything that leaves the office.

:mod:`build` runs a year's declared stages (``pipeline.yml``) in one kernel and replaces
``outputs/<year>`` atomically; :mod:`export` turns the executed report into HTML and PDF;
:mod:`batch` builds every year incrementally with manifests; :mod:`index` the index page and
the multi-year tables. The top layer below the command line.
"""
