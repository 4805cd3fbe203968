"""Input stage: CSV/XLSX records into validated `Tables`, and tables into `Figures` (every
indicator at every level, with its N).

In pipeline order: `schema` (the data contract), `sources` (files into text frames), `mapping`
(export column names), `parse` (text into typed columns), `rules` (cross-row and cross-table
checks), `validate` (one pass of all of these into a `Report`), `read` (`load`: `Tables` or
`InputError`); then `checklist` and `indicators` (YAML configuration) and `measure` (`Figures`).
`origin` says where a row came from, for every problem on the way.
"""
