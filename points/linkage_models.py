"""The village's settings for the public board and the three linkages (三挂钩): how long a
month's board stays open for objections, how the honour candidates, credit grades and
priority lists are drawn from the points. One row per village; a village without one uses the
defaults below (``points.domain.linkages.policy_for``). Imported by ``points.models``."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from orgs.models import Region


class PointsPolicy(models.Model):
    """A village's rules for the board and the linkages, set by its branch account (for the
    two committees) or an admin above."""

    region = models.OneToOneField(
        Region, on_delete=models.PROTECT, related_name="points_policy", verbose_name=_("村/社区")
    )
    region_path = models.CharField(max_length=255, db_index=True, editable=False)
    objection_days = models.PositiveIntegerField(_("公示异议期（天）"), default=7)
    honour_share = models.PositiveIntegerField(_("荣誉候选比例（%）"), default=10)
    honour_limit = models.PositiveIntegerField(_("荣誉候选上限（户）"), default=10)
    credit_excellent = models.IntegerField(_("信用“优秀”年度积分"), default=300)
    credit_good = models.IntegerField(_("信用“良好”年度积分"), default=200)
    credit_fair = models.IntegerField(_("信用“一般”年度积分"), default=100)
    reserve_share = models.PositiveIntegerField(_("后备干部户排名前（%）"), default=20)
    recruit_share = models.PositiveIntegerField(_("参军对象户排名前（%）"), default=30)
    activist_share = models.PositiveIntegerField(_("入党积极分子户排名前（%）"), default=20)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(null=True)

    class Meta:
        verbose_name = _("积分公示与挂钩设置")
        constraints = [
            models.CheckConstraint(
                condition=Q(credit_excellent__gt=models.F("credit_good"))
                & Q(credit_good__gt=models.F("credit_fair")),
                name="credit_bands_descend",
            ),
            models.CheckConstraint(
                condition=Q(honour_share__lte=100)
                & Q(reserve_share__lte=100)
                & Q(recruit_share__lte=100)
                & Q(activist_share__lte=100),
                name="shares_are_percentages",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region} 积分设置"
