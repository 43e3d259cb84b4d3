"""Boundary polygons for the map of a region's children.

Lookup order for the children of region CODE:
1. ``assets/geo/<CODE>.geojson`` — a deployment drops in its own file here for any
   level (a FeatureCollection whose features carry ``properties.adcode`` = the
   child's code and ``properties.name``);
2. the bundled ``assets/baotou_districts.geojson`` for the districts of 包头市 (150200).

Without a file the page draws a treemap of the children instead. Files are read
once per process; coordinates are rounded to 4 decimals and points closer than
TOLERANCE dropped, to keep pages light.

The region page's map takes its polygons by URL (`geojson_url`, served by app.py
from `load_geojson`), not inside the figure: plotly.js fetches them once per page
load and keeps them, so a filter change no longer sends, encodes and parses the
same ~95 KB of coordinates again. The URL carries the file's mtime, so the browser
may keep it for a year.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from .filters import relative_path

ASSETS_DIR = Path(__file__).resolve().parent.parent / "assets"
GEO_DIR = ASSETS_DIR / "geo"
GEOJSON_ROUTE = "_govdash/geo"  # app.py serves <route>/<CODE>.json (load_geojson)
BUNDLED = {"150200": ASSETS_DIR / "baotou_districts.geojson"}
# Points closer than this (degrees, about 200 m) are dropped: far below a pixel of a
# city-wide map, and it keeps the page light.
TOLERANCE = 0.002


def geojson_path(parent_code: str, geo_dir: Path | None = None) -> Path | None:
    """The GeoJSON file for the children of `parent_code`, or None."""
    own = (geo_dir or GEO_DIR) / f"{parent_code}.geojson"
    if own.is_file():
        return own
    bundled = BUNDLED.get(parent_code)
    if bundled is not None and bundled.is_file():
        return bundled
    return None


def _round(coords: Any, digits: int) -> Any:
    if coords and isinstance(coords[0], int | float):
        return [round(float(c), digits) for c in coords]
    return [_round(c, digits) for c in coords]


def _thin_ring(ring: list, tolerance: float) -> list:
    """Drop points closer than `tolerance` degrees to the last kept one (a ring
    keeps its closing point and at least four points)."""
    if len(ring) <= 8:
        return ring
    kept = [ring[0]]
    for point in ring[1:-1]:
        last = kept[-1]
        if max(abs(point[0] - last[0]), abs(point[1] - last[1])) >= tolerance:
            kept.append(point)
    kept.append(ring[-1])
    return kept if len(kept) >= 4 else ring


def _thin(coords: Any, tolerance: float) -> Any:
    """Thin every ring of a (Multi)Polygon's coordinates."""
    if coords and coords[0] and isinstance(coords[0][0], int | float):
        return _thin_ring(coords, tolerance)
    return [_thin(c, tolerance) for c in coords]


@lru_cache(maxsize=64)
def _load(path: str, mtime: float) -> dict[str, Any] | None:
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError):
        return None
    features = []
    for feature in data.get("features", []):
        props = feature.get("properties") or {}
        geometry = feature.get("geometry") or {}
        if "adcode" not in props or not geometry.get("coordinates"):
            continue
        features.append(
            {
                "type": "Feature",
                "properties": {"adcode": str(props["adcode"]), "name": props.get("name")},
                "geometry": {
                    "type": geometry["type"],
                    "coordinates": _thin(_round(geometry["coordinates"], 4), TOLERANCE),
                },
            }
        )
    if not features:
        return None
    return {"type": "FeatureCollection", "features": features}


def load_geojson(parent_code: str, geo_dir: Path | None = None) -> dict[str, Any] | None:
    """Polygons of the children of `parent_code` (None when there is no usable file)."""
    path = geojson_path(parent_code, geo_dir)
    if path is None:
        return None
    return _load(str(path), path.stat().st_mtime)


def geojson_url(parent_code: str, geo_dir: Path | None = None) -> str | None:
    """The URL the browser fetches the polygons of `parent_code`'s children from
    (app.py's route; `?v=` changes with the file), or None when there is no file."""
    path = geojson_path(parent_code, geo_dir)
    if path is None:
        return None
    return relative_path(f"/{GEOJSON_ROUTE}/{parent_code}.json") + f"?v={int(path.stat().st_mtime)}"


def polygon_codes(geojson: dict[str, Any] | None) -> set[str]:
    if not geojson:
        return set()
    return {f["properties"]["adcode"] for f in geojson.get("features", [])}
