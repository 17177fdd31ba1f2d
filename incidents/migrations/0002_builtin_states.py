from django.db import migrations

BUILTIN_STATES = (
    ("reported", "待交办", "open"),
    ("assigned", "已交办", "open"),
    ("in_progress", "处理中", "open"),
    ("resolved", "已办结待核实", "fixed"),
    ("closed", "已核实关闭", "closed"),
    ("duplicate", "重复上报", "closed"),
    ("invalid", "无效信息", "closed"),
)


def create(apps, schema_editor):
    State = apps.get_model("incidents", "IncidentState")
    for position, (code, label, kind) in enumerate(BUILTIN_STATES):
        State.objects.get_or_create(
            region=None, code=code, defaults={"label": label, "kind": kind, "position": position}
        )


class Migration(migrations.Migration):
    dependencies = [("incidents", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
