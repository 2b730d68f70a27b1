"""The benchmark (`make bench`): not part of the pipeline's data flow, and not a test.

corpus.py / corpus.yaml  a deterministic corpus of synthetic wire stories (txt, HTML, JSONL)
measure.py               wall time, CPU time and peak memory of a run and its worker processes
harness.py               the six measurements and the stage breakdown
report.py                the table, the key=value line and the Markdown for docs/benchmarks.md
"""
