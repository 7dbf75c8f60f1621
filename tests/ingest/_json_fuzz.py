"""Hypothesis strategies for the JSON importers' "never anything but ImportFormatError" promise.

Random documents rarely get past an importer's first checks, so `damaged` starts from a real
export and breaks one thing deep inside it: a field removed, or its value replaced by any JSON.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator

from hypothesis import strategies as st

Path = tuple[str | int, ...]

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)


def _paths(value: object, prefix: Path = ()) -> Iterator[Path]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield (*prefix, key)
            yield from _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield (*prefix, i)
            yield from _paths(item, (*prefix, i))


@st.composite
def damaged(draw: st.DrawFn, document: object) -> object:
    """`document` with one value somewhere inside it removed or replaced by arbitrary JSON."""
    path = draw(st.sampled_from(list(_paths(document))))
    broken = copy.deepcopy(document)
    parent = broken
    for step in path[:-1]:
        parent = parent[step]  # type: ignore[index]
    if draw(st.booleans()):
        del parent[path[-1]]  # type: ignore[union-attr]
    else:
        parent[path[-1]] = draw(json_values)  # type: ignore[index]
    return broken
