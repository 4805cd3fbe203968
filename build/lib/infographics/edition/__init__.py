"""Edition stage: the plan of pages into built PDFs, the manifest, failures, POI bundles and
the review sheet; `entitlement` decides who may have which file."""
