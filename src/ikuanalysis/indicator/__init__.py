"""Stage 2, indicator: the IKU computed from the processed store.

:mod:`compute` gives x1…xn, their mean, capaian and kategori (the JSON of contract §3);
:mod:`analysis` the figures of the LKjIP analysis (breakdowns, triwulan, gap shares,
sensitivity, efficiency); :mod:`history` the earlier years, read from the processed store only.
Never imports the report or publish stages.
"""
