"""The command centre's own rows: a county's thresholds for the indicators, and the regions'
boundaries for the map. The figures themselves are never stored here: they come from each
capability's rollups (``core.indicators``), current on every save."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from orgs.models import Region


class IndicatorSetting(models.Model):
    """A county's red and amber thresholds for one indicator (``core.indicators``), in the
    value's own terms (a share as 0..1); they apply to the county and everything under it.
    Without a row the indicator's defaults apply."""

    county = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=64)
    red = models.FloatField(_("红色阈值"), null=True, blank=True)
    amber = models.FloatField(_("黄色阈值"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("指标阈值")
        constraints = [
            models.UniqueConstraint(fields=["county", "key"], name="one_setting_per_indicator")
        ]

    def __str__(self) -> str:
        return f"{self.county_id} {self.key}"


class Boundary(models.Model):
    """A region's boundary for the map: a GeoJSON geometry (Polygon or MultiPolygon, WGS84
    longitude/latitude) as imported or generated, and the simplified one the map draws."""

    class Source(models.TextChoices):
        DEMO = "demo", _("演示生成")
        IMPORTED = "imported", _("导入")

    region = models.OneToOneField(Region, on_delete=models.CASCADE, related_name="boundary")
    region_path = models.CharField(max_length=255, db_index=True)
    geometry = models.JSONField()
    simplified = models.JSONField()
    source = models.CharField(max_length=16, choices=Source.choices)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("行政区边界")

    def __str__(self) -> str:
        return f"{self.region_id}"
