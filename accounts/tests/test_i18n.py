"""The UI in Chinese by default, in English on request (cookie, ``Accept-Language`` or the
switcher in the header); the English catalogue complete and compiled; the JSON API and the
Excel files Chinese whatever the page language.

The msgids are the Chinese strings, so Chinese needs no catalogue and English is
``locale/en/LC_MESSAGES/django.po``, compiled to the committed ``django.mo``."""

import ast
import gettext
import re
from io import BytesIO
from pathlib import Path

import pytest
from django.conf import settings
from openpyxl import load_workbook

from accounts.models import User
from audit.models import AuditEntry
from orgs.models import CommitteePost, Grid, Household, Member, Organization, Region, Unit

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"
PO = CATALOGUE / "django.po"
MO = CATALOGUE / "django.mo"
ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}

# Chinese characters and the full-width punctuation that goes with them (、。：（）…).
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]+")
# Chinese that belongs on an English page: the switcher's own name for Chinese, and the
# example surname in the member search placeholder (names are searched in Chinese).
CHINESE_ON_PURPOSE = {"中文", "张"}


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def section(page: str, pattern: str) -> str:
    match = re.search(pattern, page, re.S)
    assert match, pattern
    return match.group(0)


def data_strings() -> list[str]:
    """Every Chinese string a page may show because it is data: names, and the audit log's
    stored actors and descriptions."""
    strings = [
        *Region.objects.values_list("name", flat=True),
        *Organization.objects.values_list("name", flat=True),
        *Grid.objects.values_list("name", flat=True),
        *Member.objects.values_list("name", flat=True),
        *Member.objects.values_list("mobile_location", flat=True),
        *Member.objects.values_list("workplace", flat=True),
        *Household.objects.values_list("head_name", flat=True),
        *Household.objects.values_list("address", flat=True),
        *Unit.objects.values_list("name", flat=True),
        *CommitteePost.objects.values_list("name", flat=True),
        *User.objects.values_list("display_name", flat=True),
        *AuditEntry.objects.values_list("actor_name", flat=True),
        *AuditEntry.objects.values_list("object_repr", flat=True),
    ]
    return [s for s in strings if s]


def untranslated(page: str) -> set[str]:
    """The runs of Chinese in ``page`` that are neither data nor Chinese on purpose."""
    page = re.sub(r"<script.*?</script>", "", page, flags=re.S)
    data = data_strings()
    return {
        run
        for run in CJK.findall(page)
        if run not in CHINESE_ON_PURPOSE and not any(run in value for value in data)
    }


# --- the page language ---------------------------------------------------------------------


def test_chinese_is_the_default(world, login):
    page = login(world.county_admin).get("/").content.decode()
    assert '<html lang="zh-hans">' in page
    nav = section(page, r'<nav class="main">.*?</nav>')
    assert "党员" in nav and "Party members" not in nav
    assert "退出" in page


def test_language_cookie_gives_english(world, login):
    page = english(login(world.county_admin)).get("/").content.decode()
    assert '<html lang="en">' in page
    nav = section(page, r'<nav class="main">.*?</nav>')
    assert "Party members" in nav and "Audit log" in nav
    assert not CJK.search(nav), nav
    header = section(page, r'<header class="top">.*?</header>')
    assert "Sign out" in header
    assert set(CJK.findall(header)) == {"中文"}, header


def test_accept_language_gives_english(world, login):
    response = login(world.township_admin).get("/members/", **ENGLISH)
    page = response.content.decode()
    assert response["Content-Language"] == "en"
    assert "Party member roster" in page and "Member status" in page
    assert "Full member" in page  # a choice label, translated lazily


def test_the_switcher_posts_to_set_language_and_back(world, login):
    client = login(world.county_admin)
    page = client.get("/members/").content.decode()
    switcher = section(page, r'<form class="lang".*?</form>')
    assert 'action="/i18n/setlang/"' in switcher and 'name="next" value="/members/"' in switcher

    response = client.post("/i18n/setlang/", {"language": "en", "next": "/members/"})
    assert response.status_code == 302 and response["Location"] == "/members/"
    assert "Party member roster" in client.get("/members/").content.decode()

    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/members/"})
    assert "党员名册" in client.get("/members/").content.decode()


def test_the_login_page_is_english_too(client, db):
    page = english(client).get("/login/").content.decode()
    assert "Sign in to Lingyan" in page and "Username" in page and "Password" in page
    assert not untranslated(page)


def test_plurals_follow_english_rules(world, login):
    page = english(login(world.resident)).get("/").content.decode()
    assert "3 people" in page  # the test households have 3 people
    page = english(login(world.township_admin)).get("/households/").content.decode()
    assert re.search(r"\b\d+ records?\b", page)


def english_pages(world) -> list[tuple[str, str]]:
    """(persona, path) for every page, each seen by someone it is meant for."""
    return [
        ("county_admin", "/"),
        ("county_admin", f"/tree/regions/{world.county.pk}/"),
        ("county_admin", f"/tree/regions/{world.village.pk}/"),
        ("county_admin", f"/tree/organizations/{world.township_committee.pk}/"),
        ("county_admin", f"/tree/grids/{world.grid.pk}/"),
        ("county_admin", "/members/"),
        ("county_admin", "/members/?status=nonsense"),
        ("county_admin", f"/members/{world.member_person.pk}/"),
        ("county_admin", "/households/"),
        ("county_admin", "/households/?liaison=nonsense"),
        ("county_admin", f"/households/{world.household.pk}/"),
        ("county_admin", "/committees/"),
        ("county_admin", f"/committees/?region={world.township.pk}"),
        ("county_admin", f"/committees/villages/{world.village.pk}/"),
        ("county_admin", "/transfer/"),
        ("county_admin", "/audit/"),
        ("county_admin", "/audit/?since=nonsense"),
        ("branch", "/"),
        ("grid_worker", "/"),
        ("member", "/"),
        ("resident", "/"),
        ("unit", "/"),
        ("clerk", "/"),
    ]


def test_every_page_in_english_shows_chinese_only_as_data(world, login):
    from orgs.domain import people

    people.save_committee_post(
        None,
        CommitteePost(
            region=world.village,
            name="王书记",
            gender="female",
            birth_date=world.member_person.birth_date,
            education="bachelor",
            is_party_member=True,
            party_post="secretary",
            villagers_post="chair",
            term_start=world.member_person.joined_on,
        ),
    )
    for persona, path in english_pages(world):
        response = english(login(getattr(world, persona))).get(path)
        assert response.status_code == 200, (persona, path)
        page = response.content.decode()
        assert '<html lang="en">' in page
        assert not untranslated(page), (persona, path, untranslated(page))


def test_a_user_without_a_role_reads_english(db, login):
    user = User.objects.create_user(username="nobody", password="x")
    page = english(login(user)).get("/").content.decode()
    assert "Hello, nobody" in page and not untranslated(page)


def test_revealing_personal_data_answers_in_english(world, login):
    client = english(login(world.township_admin))
    page = client.post(f"/households/{world.household.pk}/reveal/").content.decode()
    assert "recorded in the audit log" in page and "ID number" in page


# --- what stays Chinese ------------------------------------------------------------------


def test_the_api_answers_in_chinese_whatever_the_request_language(world, login):
    client = english(login(world.county_admin))
    body = client.get(f"/api/regions/{world.county.pk}", **ENGLISH).json()
    assert body["level_label"] == "县/旗/区"
    missing = client.get("/api/regions/999999", **ENGLISH).json()
    assert missing["detail"] == "未找到该记录，或您无权访问。"


def test_excel_files_stay_chinese_for_an_english_user(world, login):
    client = english(login(world.county_admin))
    book = load_workbook(BytesIO(client.get("/transfer/members/template.xlsx").content))
    assert book.sheetnames == ["党员", "填写说明"]
    assert "党员类别" in [cell.value for cell in book.worksheets[0][1]]

    export = client.get("/transfer/households/export.xlsx?unmasked=1")
    buffer = BytesIO(export.content)
    buffer.name = "households.xlsx"
    page = client.post("/transfer/households/import/", {"file": buffer}, follow=True)
    text = page.content.decode()
    assert "Households: import complete: 0 added, 0 updated, 4 unchanged." in text


def test_import_errors_are_listed_in_chinese_under_an_english_summary(world, login):
    client = english(login(world.county_admin))
    export = client.get("/transfer/households/export.xlsx?unmasked=1")
    book = load_workbook(BytesIO(export.content))
    book.worksheets[0].cell(row=3, column=1).value = None
    buffer = BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "households.xlsx"
    page = client.post("/transfer/households/import/", {"file": buffer}).content.decode()
    assert "Households: 1 error found; nothing was imported." in page
    assert "第 3 行" in page  # the row error speaks the file's language


# --- the catalogue ------------------------------------------------------------------------


def read_po(path: Path) -> list[dict]:
    """The entries of a .po file: ``context``, ``id``, ``plural``, ``strs`` (index → text),
    ``flags``. Enough of the format for what makemessages writes."""
    entries: list[dict] = []
    entry: dict | None = None
    target: tuple = ()
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if not line.strip():
            if entry is not None:
                entries.append(entry)
            entry = None
            continue
        if entry is None:
            entry = {"context": None, "id": "", "plural": None, "strs": {}, "flags": set()}
        if line.startswith("#,"):
            entry["flags"] |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            text = ast.literal_eval(line)
            if target[0] == "strs":
                entry["strs"][target[1]] += text
            else:
                entry[target[0]] = (entry[target[0]] or "") + text
        else:
            keyword, quoted = line.split(" ", 1)
            text = ast.literal_eval(quoted)
            if keyword == "msgctxt":
                target = ("context",)
            elif keyword == "msgid":
                target = ("id",)
            elif keyword == "msgid_plural":
                target = ("plural",)
            else:
                match = re.fullmatch(r"msgstr(?:\[(\d+)\])?", keyword)
                assert match, line
                target = ("strs", int(match.group(1) or 0))
                entry["strs"][target[1]] = text
                continue
            entry[target[0]] = text
    return entries


@pytest.fixture(scope="module")
def po_entries() -> list[dict]:
    return read_po(PO)


def label(entry: dict) -> str:
    return f"{entry['context']}|{entry['id']}" if entry["context"] else entry["id"]


def test_every_message_is_translated_and_none_is_fuzzy(po_entries):
    header, *messages = po_entries
    assert header["id"] == "" and "fuzzy" not in header["flags"]
    assert "Language: en\n" in header["strs"][0]
    assert "Plural-Forms: nplurals=2; plural=(n != 1);" in header["strs"][0]
    assert len(messages) > 200
    fuzzy = [label(e) for e in messages if "fuzzy" in e["flags"]]
    empty = [label(e) for e in messages if not all(e["strs"].values())]
    assert not fuzzy, fuzzy
    assert not empty, empty
    assert all(len(e["strs"]) == (2 if e["plural"] else 1) for e in messages)


def test_translations_keep_their_placeholders(po_entries):
    """A translation that drops or misspells a ``%(name)s`` fails at render time."""
    placeholder = re.compile(r"%\((\w+)\)s")
    wrong = []
    for entry in po_entries[1:]:
        expected = set(placeholder.findall(entry["id"]))
        for text in entry["strs"].values():
            if set(placeholder.findall(text)) != expected:
                wrong.append(label(entry))
            if "python-format" in entry["flags"] and text.replace("%%", "").count("%") != len(
                placeholder.findall(text)
            ):
                wrong.append(label(entry))
    assert not wrong, wrong


def test_the_compiled_catalogue_matches_the_po(po_entries):
    """``django.mo`` is committed so that no machine needs gettext to run Lingyan; it must be
    ``compilemessages`` of the current ``django.po`` (compare contents: git keeps no mtimes)."""
    with MO.open("rb") as compiled:
        catalog = dict(gettext.GNUTranslations(compiled)._catalog)  # type: ignore[attr-defined]
    expected: dict = {}
    for entry in po_entries:
        if entry["id"] == "":  # msgfmt leaves the POT-Creation-Date out of the header
            header = entry["strs"][0].splitlines(keepends=True)
            expected[""] = "".join(h for h in header if not h.startswith("POT-Creation-Date"))
            continue
        key = f"{entry['context']}\x04{entry['id']}" if entry["context"] else entry["id"]
        if entry["plural"] is None:
            expected[key] = entry["strs"][0]
        else:
            for index, text in entry["strs"].items():
                expected[(key, index)] = text
    assert catalog == expected, "run: uv run python manage.py compilemessages -l en"
