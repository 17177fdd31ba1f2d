"""A lint rule, run as a test: the modules that serve users — views, API routers, exports —
reach protected rows only through ``accounts.scope.visible`` / ``get_for_user``. A direct
``.objects.get(`` / ``.objects.filter(`` / ``get_object_or_404(`` on a scoped model there
fails the suite. A line that must do it anyway says why with ``# scope-ok: <reason>``."""

import re
from pathlib import Path

import django.apps

from accounts.scope import scoped_models

ROOT = Path(__file__).resolve().parents[1]
SERVING = ("views.py", "api.py", "transfer_views.py", "excel.py")


def serving_modules() -> list[Path]:
    files = []
    for app in django.apps.apps.get_app_configs():
        app_path = Path(app.path)
        if ROOT not in app_path.parents and app_path != ROOT:
            continue
        files += [
            p
            for p in app_path.rglob("*.py")
            if p.name in SERVING or p.name.endswith("_views.py") or "excel" in p.parts
        ]
    files += [ROOT / "lingyan" / "api.py"]
    return sorted({f for f in files if f.exists()})


def bypass_pattern() -> re.Pattern[str]:
    names = "|".join(model.__name__ for model in scoped_models())
    return re.compile(
        rf"\b({names})\.(objects|_default_manager)\.(get|filter|all|exclude|raw)\("
        rf"|get_object_or_404\(|get_list_or_404\("
    )


def test_serving_code_never_bypasses_the_scope():
    direct = bypass_pattern()
    offenders = []
    for path in serving_modules():
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if direct.search(line) and "# scope-ok:" not in line:
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not offenders, "use accounts.scope.visible/get_for_user:\n" + "\n".join(offenders)


def test_the_lint_catches_a_bypass():
    direct = bypass_pattern()
    assert direct.search("    member = Member.objects.get(pk=pk)")
    assert direct.search("    grid = get_object_or_404(Grid, pk=pk)")
    assert not direct.search("    member = get_for_user(request.user, Member, pk)")
