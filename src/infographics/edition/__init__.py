"""Edition stage: the figures into an edition's files, in this order: `plan` (the jobs and their
file names), `build` (each job into a PDF, with `workers` for the process pool or Dask, `lock`
for the output folder, `outcome` for what became of each page and `progress` on the terminal),
`manifest` (every file made, with its sha256), `failures` (failures.csv), `incremental` (what
lets a rebuild skip unchanged pages), `bundle` (a POI's zip and print PDF), `preview` (the review
sheet); `entitlement` decides who may have which file."""
