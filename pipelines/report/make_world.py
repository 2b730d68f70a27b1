"""Make static/world.json, the country outlines of the reading room's map (run by hand, once).

Source: Natural Earth 1:110m admin-0 countries (public domain), as the `naturalearth_lowres`
shapefile shipped inside the geopandas 0.14.4 wheel on PyPI. Read with pyshp (not a project
dependency: install both in a scratch folder), then coarsened for a map a few hundred pixels
wide: coordinates in tenths of a degree, rings simplified (Douglas-Peucker, 0.3 degrees), and
rings smaller than a few pixels dropped. The file is data: the reading room only reads it.

    pip download --no-deps geopandas==0.14.4 && unzip geopandas-*.whl 'geopandas/datasets/*'
    pip install --target lib pyshp
    PYTHONPATH=lib python -m pipelines.report.make_world \
        geopandas/datasets/naturalearth_lowres/naturalearth_lowres.shp
"""

from __future__ import annotations

import itertools
import json
import sys
from pathlib import Path

OUT = Path(__file__).parent / "static" / "world.json"
TOLERANCE = 3  # tenths of a degree
MIN_EXTENT = 8  # tenths of a degree: smaller islands are not drawn


def simplify_ring(ring: list[tuple[int, int]], tol: float) -> list[tuple[int, int]]:
    """A closed ring (first point = last) split at its point farthest from the first, so that
    each half has two distinct ends, then each half simplified."""
    x0, y0 = ring[0]
    far = max(range(len(ring)), key=lambda i: (ring[i][0] - x0) ** 2 + (ring[i][1] - y0) ** 2)
    if far in (0, len(ring) - 1):
        return ring
    return simplify(ring[: far + 1], tol)[:-1] + simplify(ring[far:], tol)


def simplify(points: list[tuple[int, int]], tol: float) -> list[tuple[int, int]]:
    """Douglas-Peucker on an open line, iteratively (no recursion limit on long coasts)."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        lo, hi = stack.pop()
        (x1, y1), (x2, y2) = points[lo], points[hi]
        dx, dy = x2 - x1, y2 - y1
        norm = (dx * dx + dy * dy) ** 0.5 or 1.0
        worst, at = 0.0, -1
        for i in range(lo + 1, hi):
            x, y = points[i]
            d = abs(dy * (x - x1) - dx * (y - y1)) / norm
            if d > worst:
                worst, at = d, i
        if worst > tol and at > 0:
            keep[at] = True
            stack += [(lo, at), (at, hi)]
    return [p for p, k in zip(points, keep, strict=True) if k]


def main(shp: str) -> None:
    import shapefile  # pyshp, see the module docstring

    reader = shapefile.Reader(shp, encoding="latin-1")
    countries: dict[str, list[list[int]]] = {}
    for rec, shape in zip(reader.records(), reader.shapes(), strict=True):
        iso = rec["iso_a3"]
        if not iso or iso == "-99" or rec["name"] == "Antarctica":
            continue
        starts = [*shape.parts, len(shape.points)]
        rings = []
        for a, b in itertools.pairwise(starts):
            ring = [(round(x * 10), round(y * 10)) for x, y in shape.points[a:b]]
            xs, ys = [p[0] for p in ring], [p[1] for p in ring]
            if max(max(xs) - min(xs), max(ys) - min(ys)) < MIN_EXTENT:
                continue
            ring = simplify_ring(ring, TOLERANCE)
            if len(ring) >= 4:
                rings.append([c for p in ring for c in p])
        if rings:
            countries.setdefault(iso, []).extend(rings)
    doc = {
        "source": "Natural Earth 1:110m admin-0 countries (public domain), via geopandas "
        "0.14.4 naturalearth_lowres; simplified by pipelines/report/make_world.py",
        "unit": "tenths of a degree, [lon, lat, lon, lat, ...] per ring",
        "countries": dict(sorted(countries.items())),
    }
    OUT.write_text(json.dumps(doc, separators=(",", ":")) + "\n", encoding="utf-8")
    points = sum(len(r) // 2 for rings in countries.values() for r in rings)
    print(f"{OUT}: {len(countries)} countries, {points} points, {OUT.stat().st_size} bytes")


if __name__ == "__main__":
    main(sys.argv[1])
