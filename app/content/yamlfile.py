"""YAML that remembers where each key and item came from, so errors can say `file:line`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


class LineDict(dict):
    line: int = 1

    def __init__(self) -> None:
        super().__init__()
        self.lines: dict[Any, int] = {}


class LineList(list):
    line: int = 1

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[int] = []


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml when available: 10x faster
    pass


def _mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in result:
            raise yaml.constructor.ConstructorError(
                None, None, f"the key {key!r} appears twice in the same mapping", key_node.start_mark
            )
        result[key] = loader.construct_object(value_node, deep=True)
        result.lines[key] = key_node.start_mark.line + 1
    return result


def _sequence(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    result = LineList()
    result.line = node.start_mark.line + 1
    for item in node.value:
        result.append(loader.construct_object(item, deep=True))
        result.lines.append(item.start_mark.line + 1)
    return result


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _sequence)


class YamlError(ValueError):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line


def load(path: Path) -> Any:
    """Parse a YAML file; YamlError carries the line of the first problem."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise YamlError(path.read_bytes()[: error.start].count(b"\n") + 1, "not UTF-8 text") from error
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 (a SafeLoader subclass)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 1
        return _raise(line, f"invalid YAML: {error.problem or error.context}")
    except yaml.YAMLError as error:
        raise YamlError(1, f"invalid YAML: {error}") from error


def _raise(line: int, message: str):
    raise YamlError(line, message)


def line_of(document: Any, location: tuple) -> int:
    """The line of the deepest node of `location` (a pydantic error location) in `document`."""
    node, line = document, getattr(document, "line", 1)
    for part in location:
        if (
            isinstance(node, LineDict)
            and part in node
            or isinstance(node, LineList)
            and isinstance(part, int)
            and part < len(node)
        ):
            line, node = node.lines[part], node[part]
        elif isinstance(node, LineDict | LineList):
            continue  # a union's tag, or a key that is missing: keep the enclosing node's line
        else:
            break
    return line
