"""Page weight on first load (issue 4: a phone page ≤ 60 KB compressed, photos aside).

Builds a throwaway SQLite database with the test county (tests/world.py) and whatever the
page needs (``--setup``, by default the county's incident types), serves it with gunicorn
and ``LINGYAN_DEBUG=false`` (whitenoise's compressed static files, Django's GZipMiddleware),
signs in as a persona in Chromium on a 360-px phone with an empty cache, opens the page and
waits until the network is idle. Every response the page loaded (the HTML, CSS, scripts,
fonts, images, and requests its scripts made) is then fetched again with the same session
and ``Accept-Encoding: gzip``; the sum of the bodies as sent is the page's gzip weight.

    uv run python bench/page_weight.py [--url /incidents/new/] [--persona grid_worker] \\
        [--setup incidents.tests.support:install] [--limit-kb 60] [--port 8792]

``--persona`` is an attribute of tests.world.World (grid_worker, resident, branch, …);
``--setup`` is ``module:function`` called with the world before the page is opened, for
pages that need data of their own. Exits 1 when the page is over the limit."""

import argparse
import gzip
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import urlparse
from urllib.request import Request, urlopen

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("LINGYAN_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PHONE = {
    "viewport": {"width": 360, "height": 740},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}


def env(sqlite: Path) -> dict:
    return {**{k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
            "LINGYAN_SQLITE_PATH": str(sqlite), "LINGYAN_DEBUG": "false",
            "LINGYAN_SECRET_KEY": "lingyan-bench-only-" + "b" * 40,
            "LINGYAN_STATIC_COLLECTED": "true",
            "LINGYAN_ALLOWED_HOSTS": "127.0.0.1,localhost"}  # fmt: skip


def manage(sqlite: Path, *args: str) -> str:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env(sqlite), check=True,
        capture_output=True, text=True,
    ).stdout  # fmt: skip


def prepare(sqlite: Path, persona: str, setup: str) -> tuple[str, str]:
    """The database with the world and ``setup``'s data; returns the persona's username and
    password."""
    manage(sqlite, "migrate", "-v0")
    manage(sqlite, "collectstatic", "--noinput", "-v0")
    module, _, function = setup.partition(":")
    script = (
        "import importlib\n"
        "from tests.world import PASSWORD, build_world\n"
        "w = build_world()\n"
        f"getattr(importlib.import_module({module!r}), {function!r})(w)\n"
        f"print(getattr(w, {persona!r}).username, PASSWORD)\n"
    )
    username, password = manage(sqlite, "shell", "-c", script).split()[-2:]
    return username, password


def loaded(base: str, path: str, username: str, password: str) -> tuple[list[dict], str]:
    """What Chromium loads for ``path`` on a phone after signing in (empty cache), and the
    session cookie."""
    from playwright.sync_api import sync_playwright

    seen: list[dict] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(base_url=base, locale="zh-CN", **PHONE)
        page = context.new_page()
        page.goto("/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("button[type=submit]")
        page.wait_for_url(lambda url: "/login/" not in url)
        page.goto("about:blank")
        page.on(
            "response",
            lambda r: seen.append(
                {
                    "url": r.url,
                    "type": r.request.resource_type,
                    "method": r.request.method,
                    "status": r.status,
                }
            ),
        )
        page.goto(path, wait_until="networkidle")
        page.screenshot(path=str(Path(tempfile.gettempdir()) / "page_weight.png"), full_page=True)
        cookie = "; ".join(f"{c['name']}={c['value']}" for c in context.cookies())
        browser.close()
    return seen, cookie


def weigh(item: dict, cookie: str) -> dict:
    """The body of ``item`` as the server sends it to a browser accepting gzip."""
    request = Request(item["url"], headers={"Accept-Encoding": "gzip", "Cookie": cookie})
    try:
        with urlopen(request, timeout=10) as answer:
            body, encoding = answer.read(), answer.headers.get("Content-Encoding", "")
    except HTTPError as error:
        body, encoding = error.read(), error.headers.get("Content-Encoding", "")
    plain = gzip.decompress(body) if encoding == "gzip" else body
    return {"path": urlparse(item["url"]).path, "type": item["type"], "encoding": encoding or "-",
            "sent": len(body), "plain": len(plain)}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", default="/incidents/new/")
    parser.add_argument("--persona", default="grid_worker")
    parser.add_argument("--setup", default="incidents.tests.support:install")
    parser.add_argument("--limit-kb", type=float, default=60)
    parser.add_argument("--port", type=int, default=8792)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        sqlite = Path(tmp) / "weight.sqlite3"
        username, password = prepare(sqlite, args.persona, args.setup)
        base = f"http://127.0.0.1:{args.port}"
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "lingyan.wsgi", "--workers", "1", "--bind",
             f"127.0.0.1:{args.port}", "--log-level", "warning"],
            cwd=ROOT, env=env(sqlite),
        )  # fmt: skip
        try:
            for _ in range(50):
                try:
                    urlopen(f"{base}/healthz", timeout=1)
                    break
                except OSError:
                    time.sleep(0.2)
            else:
                raise SystemExit(f"gunicorn did not answer on port {args.port}")
            seen, cookie = loaded(base, args.url, username, password)
            rows = [weigh(item, cookie) for item in seen if item["method"] == "GET"]
        finally:
            server.terminate()
            server.wait()
    total = sum(row["sent"] for row in rows)
    summary = {
        "url": args.url, "persona": args.persona, "requests": len(rows),
        "gzip_bytes": total, "gzip_kb": round(total / 1024, 1),
        "plain_kb": round(sum(row["plain"] for row in rows) / 1024, 1),
        "limit_kb": args.limit_kb, "ok": total <= args.limit_kb * 1024, "resources": rows,
    }  # fmt: skip
    print(json.dumps(summary, indent=2, ensure_ascii=False))
    sys.exit(0 if summary["ok"] else 1)


if __name__ == "__main__":
    main()
