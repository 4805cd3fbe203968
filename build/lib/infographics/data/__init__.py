"""Input stage: CSV/XLSX records into validated `Tables`, and tables into `Figures` (every
indicator at every level, with its N)."""
