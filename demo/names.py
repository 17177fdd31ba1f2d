"""Names for the demo data: people, places, organizations and units.

The demo county sits in a fictional province modelled on the seeds' 内蒙古 counties, so place
names mix Chinese (村, 镇) and Mongolian (嘎查, 苏木, 旗) forms and about a third of the people
in pastoral villages carry Mongolian names. Surnames are drawn by their frequency in northern
China; given names by gender and by the era a person was born in.
"""

import random
from bisect import bisect
from datetime import date
from itertools import accumulate, product

from core.idnumbers import complete


def words(text: str) -> list[str]:
    """The whitespace-separated words of ``text``: how the name lists below are written."""
    return text.split()


# Surnames with their approximate share (per mille) of the population in northern China.
# fmt: off
SURNAME_SHARES = {
    "王": 78, "李": 76, "张": 72, "刘": 58, "赵": 30, "杨": 29, "陈": 28, "孙": 20,
    "高": 17, "马": 17, "于": 14, "郭": 14, "周": 13, "吴": 13, "徐": 12, "韩": 12,
    "朱": 11, "胡": 11, "白": 11, "宋": 10, "董": 10, "包": 10, "田": 9, "曹": 9,
    "冯": 9, "林": 8, "何": 8, "范": 8, "石": 8, "崔": 8, "任": 7, "郝": 7, "杜": 7,
    "贾": 7, "邢": 6, "梁": 6, "许": 6, "魏": 6, "吕": 6, "姜": 6, "程": 5, "苏": 5,
    "丁": 5, "孟": 5, "谢": 5, "侯": 5, "宁": 4, "乔": 4, "金": 4, "齐": 4, "袁": 4,
    "邓": 4, "薛": 4, "闫": 4, "牛": 4, "康": 3, "尹": 3, "付": 3, "常": 3, "武": 3,
    "唐": 3, "秦": 3, "霍": 3, "温": 3, "鲍": 2, "宝": 2, "云": 2, "那": 2, "佟": 2,
}
# fmt: on
SURNAMES = list(SURNAME_SHARES)
SURNAME_CUMULATIVE = list(accumulate(SURNAME_SHARES.values()))

# Characters of Chinese given names, by gender and by whether the person was born before
# 1980 (建国, 秀英) or after (浩宇, 欣怡).
GIVEN_CHARS = {
    ("male", False): "建国志明军伟强海春东文华平林宏忠勇德福成刚树占有"
                     "富贵祥生山庆永金宝学立兴振喜荣",
    ("male", True): "浩宇轩俊杰鹏磊超峰亮博涛鑫晨阳帅飞旭辉凯斌明睿泽铭子一天佳嘉",
    ("female", False): "秀英兰芳霞红梅玉丽敏凤云莲淑桂珍春萍华琴翠艳荣彩花菊香娥",
    ("female", True): "静燕娟婷雪欣悦颖怡佳琳丹璐倩雯晶蕾琪梦瑶雨涵萌思晓楠",
}  # fmt: skip
MONGOLIAN_GIVEN = {
    "male": words(
        """巴特尔 苏和 额尔敦 宝音 那顺 朝鲁 孟和 巴图 特木尔 格日勒图 乌力吉 毕力格
        阿拉坦仓 吉日嘎拉 达来 布和 哈斯 满都拉 白音仓 图门 其木德 额尔德尼 斯琴巴特尔
        乌日图"""
    ),
    "female": words(
        """其木格 乌云 娜仁 萨仁 斯琴 高娃 托娅 乌日娜 塔娜 其其格 琪琪格 萨日娜 敖登
        格日乐 苏日娜 哈斯其木格 娜日苏 乌兰 图雅 阿拉坦其其格"""
    ),
}
MONGOLIAN_SURNAMES = "包白宝韩吴鲍金"

# Place-name parts. Mongolian compounds (巴彦 "rich" + 塔拉 "steppe") name 苏木 and 嘎查;
# Chinese ones name 镇 and 村; communities and 街道 take urban names.
MONGOLIAN_HEADS = words(
    """巴彦 乌兰 查干 哈日 呼和 宝力 伊和 巴嘎 阿拉坦 额尔顿 希日 胡日查
    那仁 特莫 朝鲁 敖力 图古日 塔本 哈达 白音"""
)
MONGOLIAN_TAILS = words(
    "塔拉 敖包 诺尔 淖尔 乌素 花 高勒 宝力格 胡硕 呼都格 艾勒 锡勒 温都尔 陶勒盖"
)
AUSPICIOUS = words(
    """红旗 向阳 前进 胜利 团结 光明 永兴 太平 兴隆 富民 新民 和平 长胜 联合 丰收
    幸福 东升 德胜 永安 长青 新立 双合 三合 福兴 永丰 益民 兴旺 建设 民主 平安"""
)
CHINESE_HEADS = words(
    """王家 李家 刘家 张家 赵家 于家 孙家 三家 五家 八家 十家 前 后 东 西 南 北
    上 下 大 小 新 老"""
)
CHINESE_TAILS = words("营子 窝堡 店 沟 屯 梁 湾 坝 洼 台 庄 堡 井 河 甸子 岗")
TOWN_STEMS = words(
    """东风 兴隆 太平 永丰 新华 胜利 平安 长青 三义 双河 榆树 柳河 沙河 青龙 宝山
    金山 清河 黄花 新立 永安 富民 长胜 白塔 大营 石门"""
)
URBAN_STEMS = words(
    """城关 兴安 新华 文化 和平 团结 建设 民主 振兴 友谊 东城 西城 南苑 北苑 锦绣
    阳光 丰泽 明珠 滨河 站前 西山 新城 育才 花园 广场 朝阳 铁西 河东"""
)

PROVINCE_NAME = "北原省"
PREFECTURE_NAMES = words(
    """塞北盟 朔方市 云中市 金河盟 白水市 阴山盟 长川市 青原市 乌兰盟 巴彦市
    苍岭盟 北川市 河源市 雁门盟"""
)
FIRST_COUNTY_NAME = "青山旗"
FIRST_TOWNSHIP_STEM = "东风"
COUNTY_CHINESE_STEMS = words(
    """白河 红柳 平泉 永宁 兴和 长宁 安北 丰泽 清水 金川 杨柳 太和 广宁 石城
    东安 怀远 定边 宁远 靖安 武川 和林 凉城 固阳 镇北 威远 安定"""
)
COUNTY_MONGOLIAN_SUFFIXES = words("旗 左旗 右旗 前旗 中旗 后旗")

MOBILE_LOCATIONS = words(
    """北京市朝阳区 北京市大兴区 天津市滨海新区 河北省唐山市 辽宁省沈阳市
    辽宁省大连市 吉林省长春市 山东省青岛市 江苏省苏州市 浙江省宁波市 广东省深圳市
    上海市浦东新区 塞北盟盟府 朔方市 云中市"""
)
COUNTY_UNITS = words(
    """农牧局 人社局 民政局 自然资源局 卫健委 水利局 住建局 市场监管局 教体局
    交通运输局 应急管理局 司法局"""
)
# The first three are party offices (旗委办公室 …); the rest also employ in-service members.
COUNTY_ORGANS = words(
    """委办公室 委组织部 委宣传部 政府办公室 纪委监委 发改委 财政局 农牧局 教体局
    卫健委 人社局 民政局 自然资源局 水利局 住建局 公安局 人民医院 第一中学 市场监管局
    交通运输局"""
)
TOWNSHIP_ORGANS = words("机关 中心学校 卫生院 派出所 农牧业服务中心")
CHINESE_NUMERALS = "一二三四五六七八九十"


def pick_surname(rng: random.Random) -> str:
    """A surname, drawn by its frequency."""
    return SURNAMES[bisect(SURNAME_CUMULATIVE, rng.random() * SURNAME_CUMULATIVE[-1])]


def person_name(rng: random.Random, gender: str, birth_year: int, mongolian: bool) -> str:
    """A plausible full name for a person of ``gender`` born in ``birth_year``."""
    if mongolian:
        given = rng.choice(MONGOLIAN_GIVEN[gender])
        return rng.choice(MONGOLIAN_SURNAMES) + given if rng.random() < 0.4 else given
    chars = GIVEN_CHARS[(gender, birth_year >= 1980)]
    given = rng.choice(chars)
    if rng.random() < 0.8:
        given += rng.choice(chars)
    return pick_surname(rng) + given


def ordinal(number: int) -> str:
    """第一 … 第九十九, as in 第三网格 (``number`` starts at 1)."""
    tens, units = divmod(number, 10)
    if tens == 0:
        return "第" + CHINESE_NUMERALS[units - 1]
    head = "" if tens == 1 else CHINESE_NUMERALS[tens - 1]
    tail = "" if units == 0 else CHINESE_NUMERALS[units - 1]
    return "第" + head + "十" + tail


def mongolian_compounds() -> list[str]:
    """Every 巴彦塔拉-style compound, in a fixed order."""
    return [head + tail for head, tail in product(MONGOLIAN_HEADS, MONGOLIAN_TAILS)]


def chinese_village_stems() -> list[str]:
    """Every 红旗 / 王家营子-style village name stem, in a fixed order."""
    return AUSPICIOUS + [head + tail for head, tail in product(CHINESE_HEADS, CHINESE_TAILS)]


def county_names(rng: random.Random, count: int) -> list[str]:
    """``count`` distinct county names, 青山旗 first."""
    pool = [stem + "县" for stem in COUNTY_CHINESE_STEMS] + [
        head + suffix for head in MONGOLIAN_HEADS for suffix in COUNTY_MONGOLIAN_SUFFIXES
    ]
    rng.shuffle(pool)
    return [FIRST_COUNTY_NAME, *pool[: count - 1]]


def county_short(county_name: str) -> str:
    """How the county prefixes its departments: 青山旗 → 旗 (旗农牧局), 白河县 → 县."""
    return "县" if county_name.endswith("县") else "旗"


class IdNumbers:
    """Issues unique 18-digit resident ID numbers for the people of one county: the county's
    six-digit code, the birth date, a sequence number whose parity gives the gender (odd for
    men), and the check character."""

    def __init__(self, county_code: str) -> None:
        self.prefix = county_code[:6]
        self.issued: dict[tuple[int, str], int] = {}

    def issue(self, birth_date: date, gender: str) -> str:
        key = (birth_date.toordinal(), gender)
        serial = self.issued.get(key, 0)
        self.issued[key] = serial + 1
        sequence = 2 * serial + (1 if gender == "male" else 2)
        if sequence > 999:
            raise ValueError(f"too many people born on {birth_date} in {self.prefix}")
        first17 = (
            f"{self.prefix}{birth_date.year:04d}{birth_date.month:02d}"
            f"{birth_date.day:02d}{sequence:03d}"
        )
        return complete(first17)


def mobile_phone(rng: random.Random) -> str:
    """An 11-digit mobile number."""
    return f"1{rng.choice('3578')}{rng.randrange(10)}{rng.randrange(100_000_000):08d}"
