"""Where the external data sets live, and what to say when they are not there."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ENV_VAR = "EVENTWIRE_EXTERNAL_DATA"

PLV_TRAIN = Path("Zero-Shot-PLOVER/datasets/PLV_train.tsv")
POLNEAR_DEV_TEXT = Path("PolNeAR/data/dev/text")
POLNEAR_DEV_ANN = Path("PolNeAR/data/dev/attributions")
# The only PolNeAR splits ever read: train to study errors on, dev to report. test is kept back.
POLNEAR_SPLITS = ("dev", "train")
POLNEAR_METADATA = Path("PolNeAR/data/metadata.tsv")

_READ = [
    (f"{PLV_TRAIN}", "PLOVER root types of source/target sentences (issue #15)"),
    (f"{POLNEAR_DEV_TEXT}/*.txt", "dev articles (issue #17)"),
    (f"{POLNEAR_DEV_ANN}/*.ann", "their brat attribution annotations"),
    ("PolNeAR/data/train/...", "the same for train, only with --polnear-split train"),
    (f"{POLNEAR_METADATA}", "publisher and publication date"),
]

HOW_TO_GET = f"""\
make eval-external scores the pipeline on text annotated by others. It needs two public
GitHub repositories cloned side by side in one folder, named by {ENV_VAR}:

  mkdir -p ~/eventwire-external && cd ~/eventwire-external
  git clone https://github.com/snowood1/Zero-Shot-PLOVER
  git clone https://github.com/networkdynamics/PolNeAR
  export {ENV_VAR}=~/eventwire-external

Files read (nothing else is opened):
{chr(10).join(f"  {path:42s} {what}" for path, what in _READ)}

Kept back, never to be read, scored or tuned on: Zero-Shot-PLOVER/datasets/PLV_test.tsv and
PolNeAR/data/test (the held-out test parts), and the CAMEO manual. A copy holding only the
files above is enough. None of this data is committed to eventwire."""


class DataMissing(Exception):
    """The external data folder is unset or lacks a file the evaluation reads."""


@dataclass(frozen=True)
class ExternalData:
    root: Path

    @property
    def plv_train(self) -> Path:
        return self.root / PLV_TRAIN

    @property
    def polnear_text(self) -> Path:
        return self.root / POLNEAR_DEV_TEXT

    @property
    def polnear_ann(self) -> Path:
        return self.root / POLNEAR_DEV_ANN

    def polnear_split(self, split: str) -> tuple[Path, Path]:
        """(text folder, attributions folder) of a PolNeAR split: dev or train, never test."""
        if split not in POLNEAR_SPLITS:
            raise ValueError(f"PolNeAR split {split!r} is not read (only {POLNEAR_SPLITS})")
        base = self.root / "PolNeAR" / "data" / split
        return base / "text", base / "attributions"

    @property
    def polnear_metadata(self) -> Path:
        return self.root / POLNEAR_METADATA


def locate_data(root: str | None = None) -> ExternalData:
    """The data folder from the argument or the environment, checked to hold every part read."""
    root = root or os.environ.get(ENV_VAR)
    if not root:
        raise DataMissing(f"{ENV_VAR} is not set.\n\n{HOW_TO_GET}")
    data = ExternalData(Path(root).expanduser())
    missing = [str(p) for p in (data.plv_train, data.polnear_metadata) if not p.is_file()] + [
        f"{p} (with {pattern} files)"
        for p, pattern in ((data.polnear_text, "*.txt"), (data.polnear_ann, "*.ann"))
        if not p.is_dir() or not any(p.glob(pattern))
    ]
    if missing:
        listed = "\n".join(f"  {m}" for m in missing)
        raise DataMissing(f"{ENV_VAR}={root} lacks:\n{listed}\n\n{HOW_TO_GET}")
    return data
