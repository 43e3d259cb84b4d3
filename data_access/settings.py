"""Settings from the environment (and a `.env` file if present) plus an optional TOML file."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from dotenv import load_dotenv

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB_PATH = PROJECT_ROOT / "data" / "govdash.sqlite"

# METRICS.md "Default targets": green at or above, amber at or above, else red.
# For counts (overdue_open) the comparison is "at or below".
DEFAULT_TARGETS: dict[str, tuple[float, float]] = {
    "closure_rate": (0.95, 0.90),
    "resolution_rate": (0.95, 0.90),
    "on_time_rate": (0.90, 0.80),
    "satisfaction_rate": (0.95, 0.90),
    "overdue_open": (0, 5),
}
COUNT_TARGETS = frozenset({"overdue_open"})
DEFAULT_WEIGHTS: dict[str, float] = {
    "closure_rate": 30,
    "on_time_rate": 20,
    "resolution_rate": 20,
    "satisfaction_rate": 20,
    "repeat_petition_rate": -10,
}


@dataclass(frozen=True)
class Settings:
    database_url: str
    cache_url: str | None = None
    secret_key: str = "govdash-dev-secret"
    lang: str = "zh"
    strict_satisfaction: bool = False
    targets: dict[str, tuple[float, float]] = field(default_factory=lambda: dict(DEFAULT_TARGETS))
    weights: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    wall_rotation_seconds: int = 30
    # Key for the keyed hash of ID numbers (petitioner_key); never the number itself.
    # Its own setting (GOVDASH_PETITIONER_KEY), not the web secret: rotating one must
    # not change the other.
    petitioner_hash_key: str = "govdash-demo-key"
    # Start on a region page's data when its HTML is asked for, and on its other period
    # presets' when its period dropdown is pressed (GOVDASH_PREFETCH=0: off).
    prefetch: bool = True


def default_database_url() -> str:
    return f"sqlite:///{DEFAULT_DB_PATH}"


def load_settings(env: dict[str, str] | None = None) -> Settings:
    """Read GOVDASH_* settings; `env` overrides os.environ (for tests)."""
    if env is None:
        load_dotenv(PROJECT_ROOT / ".env", override=False)
        env = dict(os.environ)
    toml_data: dict = {}
    toml_path = env.get("GOVDASH_SETTINGS")
    if toml_path:
        with open(toml_path, "rb") as handle:
            toml_data = tomllib.load(handle)
    targets = dict(DEFAULT_TARGETS)
    for key, value in toml_data.get("targets", {}).items():
        targets[key] = (float(value["green"]), float(value["amber"]))
    weights = dict(DEFAULT_WEIGHTS)
    weights.update({k: float(v) for k, v in toml_data.get("weights", {}).items()})
    lang = env.get("GOVDASH_LANG", toml_data.get("lang", "zh"))
    return Settings(
        database_url=env.get("GOVDASH_DATABASE_URL") or default_database_url(),
        cache_url=env.get("GOVDASH_CACHE_URL") or None,
        secret_key=env.get("GOVDASH_SECRET_KEY", "govdash-dev-secret"),
        lang=lang if lang in ("zh", "en") else "zh",
        strict_satisfaction=bool(toml_data.get("strict_satisfaction", False)),
        targets=targets,
        weights=weights,
        wall_rotation_seconds=int(toml_data.get("wall", {}).get("rotation_seconds", 30)),
        petitioner_hash_key=env.get("GOVDASH_PETITIONER_KEY", "govdash-demo-key"),
        prefetch=env.get("GOVDASH_PREFETCH", "1").strip().lower()
        not in ("0", "false", "no", "off"),
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
