"""The Excel form evaluators send to the bidang to collect a year's registers (``ikuanalysis template``).

:mod:`workbook` writes it from the configuration (components, jenis lists, geography, aliases);
a filled form passes the ingest stage unchanged.
"""
