"""The organization tree and the people in it (PRODUCT.md capability 1).

Two trees share one encoding (``core.paths``): regions (province → village or community) and
party organizations (committee → party group). Grids, households and members hang off them
and carry copies of the paths they are filtered by (``region_path``, ``org_path``), kept
current by the domain functions in ``orgs.domain``. Nothing here is written directly by views.
"""

from datetime import date

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.paths import depth_of, subtree_q


class TreeNode(models.Model):
    """A node of a materialized-path tree; see ``core.paths``."""

    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(max_length=255, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)

    class Meta:
        abstract = True

    def subtree(self):
        return type(self)._default_manager.filter(subtree_q("path", self.path))

    def ancestors(self):
        """Root first, excluding the node itself."""
        paths = [self.path[:end] for end in range(4, len(self.path), 4)]
        return type(self)._default_manager.filter(path__in=paths).order_by("depth")

    def is_in_subtree_of(self, path: str) -> bool:
        return self.path.startswith(path)


class Region(TreeNode):
    """An administrative division (行政区划). ``own_*_count`` count rows attached to this very
    node; subtree figures are their sums over a path range (``orgs.domain.counts``)."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("省/自治区")
        PREFECTURE = "prefecture", _("市/州/盟")
        COUNTY = "county", _("县/旗/区")
        TOWNSHIP = "township", _("乡/镇/苏木/街道")
        VILLAGE = "village", _("村/嘎查/社区")

    name = models.CharField(_("名称"), max_length=100)
    code = models.CharField(_("区划代码"), max_length=20, unique=True)
    level = models.CharField(_("层级"), max_length=16, choices=Level.choices)
    own_member_count = models.PositiveIntegerField(default=0, editable=False)
    own_household_count = models.PositiveIntegerField(default=0, editable=False)
    own_organization_count = models.PositiveIntegerField(default=0, editable=False)
    own_grid_count = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = pgettext_lazy("singular", "行政区划")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    @property
    def level_depth(self) -> int:
        return depth_of(self.path)


LEVEL_ORDER = [choice.value for choice in Region.Level]


class Organization(TreeNode):
    """A party organization (党组织). ``region`` is the place it leads; a branch account's
    logins act for it (一支部一账号)."""

    class Kind(models.TextChoices):
        COMMITTEE = "committee", _("党委")
        GENERAL_BRANCH = "general_branch", _("党总支")
        BRANCH = "branch", _("党支部")
        GROUP = "group", _("党小组")

    name = models.CharField(_("名称"), max_length=150)
    code = models.CharField(_("组织代码"), max_length=32, unique=True)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="organizations", verbose_name=_("所在区划")
    )
    region_path = models.CharField(max_length=255, db_index=True, editable=False)
    under_rectification = models.BooleanField(_("软弱涣散整顿中"), default=False)
    founded_on = models.DateField(_("成立日期"), null=True, blank=True)
    closed_on = models.DateField(_("撤销日期"), null=True, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("singular", "党组织")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name


class Grid(models.Model):
    """A grid (网格): one villagers' group with its party group, led by a branch (seed 003:
    branch → grid → member-liaison households)."""

    name = models.CharField(_("名称"), max_length=100)
    code = models.CharField(_("网格编码"), max_length=32, unique=True)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="grids", verbose_name=_("所在村/社区")
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="grids", verbose_name=_("所属支部")
    )
    party_group = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="group_grids",
        verbose_name=_("党小组"),
    )
    region_path = models.CharField(max_length=255, db_index=True, editable=False)
    org_path = models.CharField(max_length=255, db_index=True, editable=False)

    class Meta:
        verbose_name = pgettext_lazy("singular", "网格")
        ordering = ["region_path", "code"]

    def __str__(self) -> str:
        return self.name


class Education(models.TextChoices):
    PRIMARY = "primary", _("小学及以下")
    JUNIOR = "junior", _("初中")
    SENIOR = "senior", _("高中/中专")
    COLLEGE = "college", _("大专")
    BACHELOR = "bachelor", _("本科")
    POSTGRADUATE = "postgraduate", _("研究生")


COLLEGE_OR_ABOVE = [Education.COLLEGE, Education.BACHELOR, Education.POSTGRADUATE]


class Gender(models.TextChoices):
    MALE = "male", _("男")
    FEMALE = "female", _("女")


class Member(models.Model):
    """A party member (党员) of an organization, formal or probationary; possibly mobile
    (流动党员: away from home, attends online) or in service (在职党员)."""

    class Status(models.TextChoices):
        FORMAL = "formal", _("正式党员")
        PROBATIONARY = "probationary", _("预备党员")

    name = models.CharField(_("姓名"), max_length=50)
    gender = models.CharField(_("性别"), max_length=8, choices=Gender.choices)
    birth_date = models.DateField(_("出生日期"))
    id_number = models.CharField(_("身份证号"), max_length=18, unique=True)
    phone = models.CharField(_("手机号"), max_length=20, blank=True)
    education = models.CharField(_("学历"), max_length=16, choices=Education.choices)
    status = models.CharField(_("党员类别"), max_length=16, choices=Status.choices)
    joined_on = models.DateField(_("入党日期"))
    is_mobile = models.BooleanField(_("流动党员"), default=False)
    mobile_location = models.CharField(_("外出地点"), max_length=100, blank=True)
    is_in_service = models.BooleanField(_("在职党员"), default=False)
    workplace = models.CharField(_("工作单位"), max_length=100, blank=True)
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="members", verbose_name=_("所在党组织")
    )
    household = models.ForeignKey(
        "Household",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
        verbose_name=_("所在户"),
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", editable=False)
    region_path = models.CharField(max_length=255, editable=False)
    org_path = models.CharField(max_length=255, db_index=True, editable=False)

    class Meta:
        verbose_name = pgettext_lazy("singular", "党员")
        ordering = ["org_path", "name", "id"]
        indexes = [models.Index(fields=["region_path", "org_path", "name"])]

    def __str__(self) -> str:
        return self.name

    def age_on(self, day: date) -> int:
        return age_on(self.birth_date, day)


class Household(models.Model):
    """A household (户) in exactly one grid; ``liaison`` is its liaison party member
    (党员联系户)."""

    code = models.CharField(_("户编号"), max_length=32, unique=True)
    head_name = models.CharField(_("户主姓名"), max_length=50)
    head_id_number = models.CharField(_("户主身份证号"), max_length=18, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    address = models.CharField(_("住址"), max_length=200, blank=True)
    size = models.PositiveSmallIntegerField(_("家庭人口"), default=1)
    grid = models.ForeignKey(
        Grid,
        on_delete=models.PROTECT,
        related_name="households",
        verbose_name=pgettext_lazy("singular", "网格"),
    )
    liaison = models.ForeignKey(
        Member,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="liaison_households",
        verbose_name=_("联系党员"),
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", editable=False)
    region_path = models.CharField(max_length=255, editable=False)
    org_path = models.CharField(max_length=255, db_index=True, editable=False)

    class Meta:
        verbose_name = pgettext_lazy("singular", "农户")
        ordering = ["region_path", "code"]
        indexes = [models.Index(fields=["region_path", "code"])]

    def __str__(self) -> str:
        return f"{self.head_name}户"


class CommitteePost(models.Model):
    """One person's posts in a village's two committees (两委) for one term: a post in the
    party organization's committee, in the villagers' committee, or both (交叉任职)."""

    class PartyPost(models.TextChoices):
        NONE = "", "—"
        SECRETARY = "secretary", _("书记")
        DEPUTY = "deputy_secretary", _("副书记")
        MEMBER = "member", _("委员")

    class VillagersPost(models.TextChoices):
        NONE = "", "—"
        CHAIR = "chair", _("主任")
        VICE_CHAIR = "vice_chair", _("副主任")
        MEMBER = "member", _("委员")

    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="committee_posts", verbose_name=_("村/社区")
    )
    region_path = models.CharField(max_length=255, db_index=True, editable=False)
    name = models.CharField(_("姓名"), max_length=50)
    gender = models.CharField(_("性别"), max_length=8, choices=Gender.choices)
    birth_date = models.DateField(_("出生日期"))
    education = models.CharField(_("学历"), max_length=16, choices=Education.choices)
    is_party_member = models.BooleanField(pgettext_lazy("singular", "党员"), default=False)
    member = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="committee_posts"
    )
    party_post = models.CharField(
        _("党组织职务"), max_length=20, choices=PartyPost.choices, blank=True
    )
    villagers_post = models.CharField(
        _("村(居)委会职务"), max_length=20, choices=VillagersPost.choices, blank=True
    )
    term_start = models.DateField(_("任期开始"))
    term_end = models.DateField(_("任期结束"), null=True, blank=True)

    class Meta:
        verbose_name = _("两委职务")
        ordering = ["region_path", "-party_post", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def holds_both_chairs(self) -> bool:
        """一肩挑: the party secretary also chairs the villagers' committee."""
        return (
            self.party_post == self.PartyPost.SECRETARY
            and self.villagers_post == self.VillagersPost.CHAIR
        )


def age_on(birth_date: date, day: date) -> int:
    years = day.year - birth_date.year
    if (day.month, day.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


class Unit(models.Model):
    """A service unit (单位): a county department or company that accepts dispatched
    requests (接单). ``region`` is the place it serves."""

    name = models.CharField(_("名称"), max_length=100)
    code = models.CharField(_("单位编码"), max_length=32, unique=True)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="units", verbose_name=_("服务区划")
    )
    region_path = models.CharField(max_length=255, db_index=True, editable=False)
    contact_phone = models.CharField(_("联系电话"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("服务单位")
        ordering = ["region_path", "code"]

    def __str__(self) -> str:
        return self.name
