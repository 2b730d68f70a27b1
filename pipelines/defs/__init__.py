"""The thin Dagster shell: assets per stage, resources, metadata helpers. Each asset calls one
plain-Python function from ingest/, extract/, link/ or store/ and reports what it produced."""
