"""The production command (`gunicorn app:server`, several workers × threads) serves
every script of the index page from the first request a worker gets.

Dash registers the scripts it may serve while it renders its first page in a worker
(`_setup_server`, run before the worker's first request), and marks that done
before doing it: a fresh worker whose first requests arrive side by side (a browser
fetches a page's scripts in parallel) answered some of them with a 500 "is
registered but the path requested is not valid", and the page stayed blank. app.py
now does that setup when it is imported, before the worker serves anything."""

from __future__ import annotations

import importlib
import json
import os
import re
import subprocess
import sys
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WORKERS = 4
THREADS = 4


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=30) as reply:
            reply.read()
            return reply.status
    except urllib.error.HTTPError as exc:
        return exc.code


def _index_scripts(database_url: str) -> list[str]:
    """The index page's script paths, from the app in this process (the same files,
    so the same fingerprints as the server's)."""
    from app_env import app_reading

    with app_reading(database_url) as app_module:
        page = app_module.server.test_client().get("/").get_data(as_text=True)
    return re.findall(r'<script[^>]*\bsrc="([^"]+)"', page)


# In a new process (a worker): what Dash may serve right after `import app`, and what
# rendering the index page added to it (nothing, if the setup ran at import).
FRESH_PROCESS = """
import json, app
def paths():
    return {ns: sorted(p) for ns, p in app.app.registered_paths.items()}
before = paths()
status = app.server.test_client().get("/").status_code
print(json.dumps({"before": before, "after": paths(), "status": status}))
"""


def test_a_worker_can_serve_every_script_before_its_first_request(sqlite_url):
    env = {**os.environ, "GOVDASH_DATABASE_URL": sqlite_url}
    out = subprocess.run(
        [sys.executable, "-c", FRESH_PROCESS], cwd=ROOT, env=env, capture_output=True,
        text=True, check=True, timeout=120,
    )  # fmt: skip
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    assert seen["status"] == 200
    assert "deps/react-dom@" in " ".join(seen["before"].get("dash", []))
    assert seen["before"] == seen["after"]


def test_fresh_workers_serve_every_script_to_parallel_first_requests(
    monkeypatch, sqlite_url, tmp_path
):
    monkeypatch.syspath_prepend(str(ROOT))  # bench/ is a folder of scripts, not installed
    browser = importlib.import_module("bench.browser")
    scripts = _index_scripts(sqlite_url)
    assert len(scripts) > 5
    server = browser.AppServer(sqlite_url, WORKERS, tmp_path / "gunicorn.log", THREADS)
    # Started without a first request, so that every worker's first requests are the
    # parallel script requests below.
    server.start(probe_path=None)
    try:
        urls = [server.base_url + src for src in scripts] * WORKERS * 2
        with ThreadPoolExecutor(max_workers=len(urls)) as pool:
            statuses = list(pool.map(_status, urls))
    finally:
        server.stop()
    failed = [(url, status) for url, status in zip(urls, statuses, strict=True) if status != 200]
    assert not failed, f"{len(failed)} of {len(urls)} failed: {failed[:3]}\n{server.log_tail()}"
