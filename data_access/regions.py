"""Regions and scopes: GB/T 2260 division codes, grids, and what a code selects."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, Engine, delete, insert, select

from .models import Grid, Region

REFERENCE_DIR = Path(__file__).resolve().parent / "reference"
DIVISIONS_CSV = REFERENCE_DIR / "baotou_divisions.csv"

CHILD_LEVEL = {"city": "district", "district": "township", "township": "village", "village": "grid"}
LEVEL_ORDER = ("city", "district", "township", "village", "grid")


class UnknownRegion(ValueError):
    """A region or grid code that is not in the database."""


@dataclass(frozen=True)
class Scope:
    """What a region code selects: every case whose village lies under it."""

    code: str
    level: str  # city | district | township | village | grid
    name: str
    parent_code: str | None

    @property
    def village_range(self) -> tuple[str, str] | None:
        """Inclusive bounds on the 12-digit village_code, or None for a grid scope.

        Fixed-width bounds (not LIKE) so an index range scan serves them and a code
        never leaks into a neighbour with a longer common prefix.
        """
        if self.level == "grid":
            return None
        prefix = {"city": self.code[:4], "district": self.code[:6], "township": self.code[:9]}.get(
            self.level, self.code
        )
        pad = 12 - len(prefix)
        return prefix + "0" * pad, prefix + "9" * pad

    @property
    def child_level(self) -> str | None:
        return CHILD_LEVEL.get(self.level)


def level_of_code(code: str) -> str | None:
    """The level a well-formed code has by its shape, or None if malformed."""
    if not (code.isascii() and code.isdigit()):
        return None
    if len(code) == 6:
        return "city" if code.endswith("00") else "district"
    return {9: "township", 12: "village", 15: "grid"}.get(len(code))


def read_divisions_csv(path: Path = DIVISIONS_CSV) -> list[dict[str, str | None]]:
    with open(path, encoding="utf-8", newline="") as handle:
        rows = [
            {
                "code": row["code"].strip(),
                "name": row["name"].strip(),
                "level": row["level"].strip(),
                "parent_code": (row["parent_code"] or "").strip() or None,
            }
            for row in csv.DictReader(handle)
        ]
    return rows


def load_regions(conn: Connection, rows: list[dict[str, str | None]] | None = None) -> int:
    """Replace the regions table with the division list (parents before children)."""
    rows = rows if rows is not None else read_divisions_csv()
    order = {level: i for i, level in enumerate(LEVEL_ORDER)}
    rows = sorted(rows, key=lambda r: (order[str(r["level"])], str(r["code"])))
    existing = set(conn.scalars(select(Region.code)))
    new_rows = [r for r in rows if r["code"] not in existing]
    if new_rows:
        conn.execute(insert(Region), new_rows)
    return len(new_rows)


class RegionIndex:
    """All regions and grids of a database in memory (a few thousand rows)."""

    def __init__(
        self, regions: list[tuple[str, str, str, str | None]], grids: list[tuple[str, str, str]]
    ):
        self.regions = {code: (name, level, parent) for code, name, level, parent in regions}
        self.grids = {code: (name, village) for code, name, village in grids}
        self.children: dict[str, list[str]] = {}
        for code, (_name, _level, parent) in sorted(self.regions.items()):
            if parent:
                self.children.setdefault(parent, []).append(code)
        for code, (_name, village) in sorted(self.grids.items()):
            self.children.setdefault(village, []).append(code)

    @classmethod
    def load(cls, bind: Engine | Connection) -> RegionIndex:
        def read(conn: Connection) -> RegionIndex:
            regions = conn.execute(
                select(Region.code, Region.name, Region.level, Region.parent_code)
            ).all()
            grids = conn.execute(select(Grid.code, Grid.name, Grid.village_code)).all()
            return cls([tuple(r) for r in regions], [tuple(g) for g in grids])

        if isinstance(bind, Connection):
            return read(bind)
        with bind.connect() as conn:
            return read(conn)

    def scope(self, code: str) -> Scope:
        code = (code or "").strip()
        if code in self.regions:
            name, level, parent = self.regions[code]
            return Scope(code, level, name, parent)
        if code in self.grids:
            name, village = self.grids[code]
            return Scope(code, "grid", name, village)
        if level_of_code(code) is None:
            raise UnknownRegion(f"malformed region code {code!r} (expected 6, 9, 12 or 15 digits)")
        raise UnknownRegion(f"unknown region code {code}")

    def name(self, code: str) -> str:
        if code in self.regions:
            return self.regions[code][0]
        if code in self.grids:
            return self.grids[code][0]
        return code

    def child_codes(self, code: str) -> list[str]:
        return list(self.children.get(code, []))

    def path(self, code: str) -> list[Scope]:
        """The breadcrumb: the top region down to this one."""
        out: list[Scope] = []
        current: str | None = code
        while current:
            scope = self.scope(current)
            out.append(scope)
            current = scope.parent_code
        return list(reversed(out))

    def top_code(self) -> str | None:
        tops = [c for c, (_n, level, _p) in self.regions.items() if level == "city"]
        return tops[0] if tops else None


def clear_regions(conn: Connection) -> None:
    conn.execute(delete(Grid))
    conn.execute(delete(Region))
