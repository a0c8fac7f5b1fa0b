"""Stage 1, ingest: raw registers in, cleaned cases out (data contract §1–§2).

Where raw data enter (:mod:`discover` finds the files, :mod:`read` the sheets, headers and
columns), where each contract rule is enforced (:mod:`values` interprets cells, :mod:`cases`
skips rows, identifies and merges people, :mod:`rekap` checks totals, :mod:`evaluator_inputs`
reads ``anggaran.csv`` and ``catatan.md``), how problems are located (:mod:`problems`), how
identities are hashed (:mod:`identity`), and the processed store (:mod:`schema` checks,
:mod:`store` writes and reads ``data/processed/<year>``). :mod:`year` runs it for one folder.
Imports nothing from the later stages.
"""
