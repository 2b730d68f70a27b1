"""The benchmark (`make bench`): not part of the pipeline's data flow, and not a test.

  corpus.py / corpus.yaml  a deterministic corpus of synthetic wire stories (txt, HTML, JSONL)
"""
