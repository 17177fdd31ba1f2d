"""A full village rulebook built around seed 004's items (翁牛特旗: voluntary environment
labour +10 per time and +50 per cartload; lavish weddings or funerals −10 per time), by item
and by class of person, in the four categories. The demo villages and the tests start from
it; a village's two committees edit their own copy."""

from points.domain.rulebooks import RuleInput
from points.models import PointRule

C = PointRule.Category
A = PointRule.AppliesTo
E = PointRule.Evidence

DEFAULT_RULES: list[RuleInput] = [
    # basic items (基础项目)
    RuleInput("J01", "门前三包、庭院整洁", C.BASIC, 5, A.RESIDENT, E.PHOTO, 20, "month"),
    RuleInput("J02", "按时参加村民（代表）会议", C.BASIC, 2, A.RESIDENT, E.NONE, 8, "month"),
    RuleInput("J03", "按时参加组织生活", C.BASIC, 5, A.MEMBER, E.NONE, 20, "month"),
    RuleInput("J04", "按时缴纳党费", C.BASIC, 2, A.MEMBER, E.NONE, 2, "month"),
    RuleInput("J05", "网格巡查、按时上报", C.BASIC, 5, A.GRID_WORKER, E.NOTE, 40, "month"),
    # incentive items (激励项目) — seed 004's environment labour
    RuleInput(
        "X01", "义务参加人居环境整治（出一次）", C.INCENTIVE, 10, A.RESIDENT, E.PHOTO, 100, "month"
    ),
    RuleInput(
        "X02",
        "义务参加人居环境整治（出一车次）",
        C.INCENTIVE,
        50,
        A.RESIDENT,
        E.PHOTO,
        200,
        "month",
    ),
    RuleInput(
        "X03", "参加志愿服务、疫情防控值守", C.INCENTIVE, 10, A.RESIDENT, E.PHOTO, 60, "month"
    ),
    RuleInput("X04", "党员承诺践诺、带头示范", C.INCENTIVE, 10, A.MEMBER, E.NOTE, 40, "month"),
    RuleInput("X05", "发展产业、带动邻里增收", C.INCENTIVE, 20, A.RESIDENT, E.NOTE, 40, "quarter"),
    RuleInput(
        "X06", "民族团结、邻里互助好人好事", C.INCENTIVE, 10, A.RESIDENT, E.NOTE, 30, "month"
    ),
    # discretionary items (机动项目)
    RuleInput("D01", "获得乡镇级及以上表彰", C.DISCRETIONARY, 30, A.RESIDENT, E.PHOTO, None, None),
    RuleInput("D02", "抢险救灾中表现突出", C.DISCRETIONARY, 20, A.RESIDENT, E.NOTE, None, None),
    # veto items (否决项目) — seed 004's lavish weddings and funerals
    RuleInput("F01", "婚丧嫁娶大操大办（违反一次）", C.VETO, -10, A.RESIDENT, E.NOTE, None, None),
    RuleInput("F02", "违反村规民约、私搭乱建", C.VETO, -20, A.RESIDENT, E.PHOTO, None, None),
    RuleInput("F03", "参与赌博、封建迷信活动", C.VETO, -30, A.RESIDENT, E.NOTE, None, None),
]
