"""Issue 11: a long import on SQLite made another user's write wait 20 s (and once fail with
``database is locked``). The import now reads, checks and prepares every row before its
transaction, and writes in one short transaction of few statements — all or nothing still."""

import pytest
from django.db import connection

from audit.models import AuditEntry
from core.idnumbers import complete
from orgs.excel import import_workbook
from orgs.models import Household, Member, Region
from orgs.tests.test_excel import new_member, workbook
from tests.world import build_world

ROWS = 40


@pytest.fixture
def world_tx(transactional_db):
    """The test world without the test's own transaction, so that the import's is visible."""
    return build_world()


def watched(run):
    """Run ``run()``, returning its result and the SQL run inside and outside a transaction."""
    inside: list[str] = []
    outside: list[str] = []

    def observe(execute, sql, params, many, context):
        (inside if connection.in_atomic_block else outside).append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(observe):
        result = run()
    return result, inside, outside


def is_write(sql: str) -> bool:
    return sql.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))


def test_it_prepares_every_member_before_the_write_lock_and_writes_in_few_statements(world_tx):
    world = world_tx
    rows = [
        new_member(world, 身份证号=complete(f"15052519900315{100 + n:03d}"), 姓名=f"党员{n}")
        for n in range(ROWS)
    ]
    before = Region.objects.get(pk=world.village.pk).own_member_count

    result, inside, outside = watched(
        lambda: import_workbook(world.county_admin, "members", workbook("members", rows))
    )

    assert result.ok and result.created == ROWS, result.errors
    assert not [sql for sql in outside if is_write(sql)]  # nothing written before the lock
    # One transaction of a constant handful of statements, not several per row (160+ before).
    assert len(inside) <= 12, len(inside)
    assert Member.objects.filter(name__startswith="党员").count() == ROWS
    assert Region.objects.get(pk=world.village.pk).own_member_count == before + ROWS
    created = AuditEntry.objects.filter(action="create", model="orgs.Member")
    assert created.filter(actor=world.county_admin).count() == ROWS


def test_it_writes_households_with_their_members_in_the_short_transaction(world_tx):
    world = world_tx
    headers = {
        "户编号": "H900001",
        "户主姓名": "新户主",
        "网格编码": world.grid.code,
        "家庭人口": 3,
        "户内党员身份证号": world.member_person.id_number,
    }
    result, inside, _ = watched(
        lambda: import_workbook(world.county_admin, "households", workbook("households", [headers]))
    )
    assert result.ok and result.created == 1, result.errors
    household = Household.objects.get(code="H900001")
    assert Member.objects.get(pk=world.member_person.pk).household_id == household.pk
    assert len(inside) <= 20, len(inside)


def test_it_still_writes_nothing_when_one_row_breaks_a_rule(world_tx):
    world = world_tx
    rows = [new_member(world, 身份证号=complete(f"15052519900315{100 + n:03d}")) for n in range(3)]
    rows[2]["入党日期"] = "1980-01-01"  # before the birth date
    result = import_workbook(world.county_admin, "members", workbook("members", rows))
    assert not result.ok
    assert not Member.objects.filter(name="周晓燕").exists()
