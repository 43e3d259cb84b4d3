"""Reference data every query needs (regions, grids, centers), cached per data version."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from sqlalchemy import Connection, select

from .models import Center
from .regions import RegionIndex
from .rollups import State


@dataclass(frozen=True)
class CenterInfo:
    id: int
    name: str
    level: str
    region_code: str
    staff_count: int


@dataclass(frozen=True)
class Reference:
    regions: RegionIndex
    centers: dict[int, CenterInfo]


_cache: dict[tuple[str, int], Reference] = {}
_lock = threading.Lock()


def load_reference(conn: Connection, state: State | None) -> Reference:
    """Regions, grids and centers; read once per database and data version."""
    version = state.data_version if state else -1
    key = (conn.engine.url.render_as_string(hide_password=True), version)
    with _lock:
        cached = _cache.get(key)
    if cached is not None and version >= 0:
        return cached
    centers = {
        row.id: CenterInfo(row.id, row.name, row.level, row.region_code, row.staff_count)
        for row in conn.execute(
            select(Center.id, Center.name, Center.level, Center.region_code, Center.staff_count)
        )
    }
    reference = Reference(RegionIndex.load(conn), centers)
    with _lock:
        # Keep only the newest version of each database.
        for old in [k for k in _cache if k[0] == key[0]]:
            del _cache[old]
        _cache[key] = reference
    return reference
