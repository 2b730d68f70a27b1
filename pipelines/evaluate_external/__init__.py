"""Scoring the real pipeline on text annotated by others (`make eval-external`).

PLV sentences with PLOVER root types (issue #15) and PolNeAR dev articles with attribution
annotations (issue #17). The data is not part of eventwire: see `data.HOW_TO_GET`. No Dagster
here: the pipeline runs as `eventwire run` in a child process, exactly as a user runs it.
"""
