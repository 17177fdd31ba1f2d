"""Whether an ID number is registered is said only within the user's scope (issue 11,
security findings): a branch learns nothing about members outside its scope from the member
form or the member import, and every such refusal is audited for the admins above it."""

from audit.models import AuditEntry
from orgs.domain.registration import HIDDEN_DUPLICATE, HIDDEN_DUPLICATES_IN_FILE
from orgs.excel import export_workbook, import_workbook
from orgs.models import Member
from orgs.tests.test_edit_pages import member_data
from orgs.tests.test_excel import as_dicts, workbook

LEAK = "已存在"


def test_the_form_names_a_duplicate_the_branch_may_see(world, login):
    data = member_data(world, id_number=world.member_person.id_number)
    page = login(world.branch).post("/members/new/", data).content.decode()
    assert world.member_person.name in page and LEAK in page


def test_the_form_does_not_confirm_a_number_registered_outside_the_scope(world, login):
    data = member_data(world, id_number=world.outsider_member.id_number)
    response = login(world.branch).post("/members/new/", data)
    page = response.content.decode()
    assert response.status_code == 200 and HIDDEN_DUPLICATE in page
    assert LEAK not in page and world.outsider_member.name not in page
    assert world.outsider_branch_org.name not in page
    assert Member.objects.filter(name="新党员").count() == 0
    refusal = AuditEntry.objects.get(action="refused")
    assert refusal.actor == world.branch
    assert world.branch_org.region_path.startswith(refusal.region_path)
    assert world.outsider_member.id_number not in str(refusal.changes)  # masked


def test_the_import_says_nothing_per_row_about_numbers_outside_the_scope(world):
    [row] = as_dicts(export_workbook(world.branch, "members", unmasked=False))
    rows = []
    for number, name in (
        (world.outsider_member.id_number, "甲"),
        (world.neighbour_member.id_number, "乙"),
    ):
        rows.append({**row, "身份证号": number, "姓名": name})
    result = import_workbook(world.branch, "members", workbook("members", rows))
    messages = [(error.row, error.message) for error in result.errors]
    assert (0, HIDDEN_DUPLICATES_IN_FILE) in messages
    assert not any(LEAK in message for _, message in messages)
    assert all(number == 0 or "身份证号" not in message for number, message in messages)
    assert not Member.objects.filter(name__in=["甲", "乙"]).exists()
    assert AuditEntry.objects.filter(action="refused", actor=world.branch).count() == 1
