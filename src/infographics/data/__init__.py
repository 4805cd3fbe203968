"""Input stage: CSV/XLSX records into validated `Tables`, and tables into `Figures` (every
indicator at every level, with its N).

In pipeline order: `schema` (the data contract), `limits` (size limits on every input),
`sources` (files into text frames; `csvtext` decodes and splits CSV, Dutch Excel's semicolons
and Windows-1252 included, and `workbook` reads .xlsx as Excel shows it), `mapping` (export
column names), `parse` (text into typed columns; `text` checks text cells where they enter:
ids, names drawn in Lato, control characters), `rules` (cross-row and cross-table checks),
`validate` (one pass of all of these into a `Report`), `read` (`load`: `Tables` or
`InputError`); then `checklist` and `indicators` (YAML configuration, read strictly by
`yamlsrc`) and `measure` (`Figures`). `origin` says where a row came from, for every problem on
the way.
"""
