"""A deduction is booked in full: a household's balance may go below zero (seed 004,
"违反一次扣10分"). The CHECK that kept it ≥ 0 goes; redemptions keep their own guarantee (a
conditional ``UPDATE … WHERE balance >= x``, ``points.domain.store.redeem``), so nothing is
ever spent below zero. No ledger row is rewritten: entries booked before keep what they
booked (their note says how much the balance allowed)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("points", "0003_points_policy")]

    operations = [
        migrations.RemoveConstraint(model_name="householdpoints", name="balance_not_negative"),
    ]
