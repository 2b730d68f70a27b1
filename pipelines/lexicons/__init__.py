"""Data files users extend: trigger lexicon, attribution cues, actor dictionary, boilerplate.

Each file is YAML. Loading goes through `load_data_file`, which names the file and the entry
whenever something is wrong, so a typo never silently miscodes events.
Users point EVENTWIRE_LEXICON_DIR at a folder of their own files to override ours by name.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import yaml

from pipelines.errors import LexiconError

BUILTIN_DIR = Path(__file__).parent


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """YAML 1.2 booleans: only true/false. In YAML 1.1 the words on, off, yes and no load as
    booleans, which silently breaks word lists ("call on", the negator "no").

    libyaml's parser when PyYAML has it (the same documents, read about seven times faster):
    every parser process loads every data file once, and the pure-Python parser took 0.17 s
    of CPU there."""


_Loader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|false|True|False|TRUE|FALSE)$"),
    list("tTfF"),
)


def data_file(name: str) -> Path:
    override = os.environ.get("EVENTWIRE_LEXICON_DIR")
    if override and (Path(override) / name).is_file():
        return Path(override) / name
    return BUILTIN_DIR / name


def load_data_file(name: str) -> tuple[Path, dict[str, Any]]:
    path = data_file(name)
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)  # a safe loader
    except FileNotFoundError:
        raise LexiconError(f"{path}: data file not found") from None
    except yaml.YAMLError as err:
        raise LexiconError(f"{path}: not valid YAML: {err}") from None
    if not isinstance(data, dict):
        raise LexiconError(f"{path}: expected a mapping at the top level")
    return path, data


def require(cond: bool, path: Path, where: str, message: str) -> None:
    if not cond:
        raise LexiconError(f"{path}: {where}: {message}")


def str_list(value: Any, path: Path, where: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    require(
        isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value),
        path,
        where,
        "expected a list of non-empty strings",
    )
    return [v.strip() for v in value]
