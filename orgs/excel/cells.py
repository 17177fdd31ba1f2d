"""Turning Excel cell values into model values, with the messages in Chinese that cadres see.

Cells arrive as whatever Excel stored: text, numbers, dates, booleans. Each ``parse_*``
returns the model value or raises ``CellError`` with a message that names the problem and
the value received; the caller adds the row number and the column header."""

import re
import unicodedata
from datetime import date, datetime
from functools import cache
from typing import Any

from django.db import models
from django.utils import timezone

from core.idnumbers import has_valid_check_character
from core.masking import looks_masked

TRUE_WORDS = {"是", "true", "y", "yes", "1", "√"}
FALSE_WORDS = {"否", "false", "n", "no", "0", "×"}
LIST_SEPARATORS = re.compile(r"[、,，;；\s]+")
DATE_PATTERNS = (
    re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?"),
    re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日?"),
    re.compile(r"(\d{4})(\d{2})(\d{2})"),
)
PHONE = re.compile(r"\+?[0-9][0-9 -]{5,18}[0-9]")


class CellError(ValueError):
    """A cell that cannot be imported; ``str()`` is the message shown to the user."""


def quoted(value: Any) -> str:
    return f"“{value}”"


def text(value: Any) -> str:
    """The cell as trimmed text; whole numbers lose Excel's ``.0``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    return str(value).strip()


def narrow(value: str) -> str:
    """Full-width digits, letters and dashes (typed with a Chinese input method) made ASCII."""
    return unicodedata.normalize("NFKC", value).strip()


def parse_text(value: Any, max_length: int) -> str:
    result = text(value)
    if len(result) > max_length:
        raise CellError(f"不能超过 {max_length} 个字，当前 {len(result)} 个字")
    return result


def parse_code(value: Any, max_length: int) -> str:
    """A code (区划代码, 组织代码, 网格编码, 户编号): no spaces, compared exactly."""
    result = narrow(text(value))
    if re.search(r"\s", result):
        raise CellError(f"编码中不能有空格，收到{quoted(result)}")
    if len(result) > max_length:
        raise CellError(f"不能超过 {max_length} 个字符，收到{quoted(result)}")
    return result


def parse_id_number(value: Any, header: str) -> str:
    """An ID number's text, without spaces and upper-cased; whether it is a valid number is
    judged by ``id_number_problem``."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise CellError(
            f"{header}被 Excel 存成了数字，后几位已经丢失；请把该列设为“文本”格式后重新录入"
        )
    result = re.sub(r"\s", "", narrow(text(value))).upper()
    if looks_masked(result):
        raise CellError(f"{header}是掩码，不能导入；请使用含完整证件号的导出")
    return result


def id_number_problem(value: str) -> str | None:
    """What is wrong with a resident ID number per GB 11643 (18 characters, a real birth date,
    the check character), or ``None`` when it is valid."""
    if len(value) != 18:
        return f"身份证号应为 18 位，收到 {len(value)} 位：{quoted(value)}"
    if not (value[:17].isdigit() and (value[17].isdigit() or value[17] == "X")):
        return f"身份证号只能由数字和末位的 X 组成，收到{quoted(value)}"
    if birth_date_from_id(value) is None:
        return f"身份证号中的出生日期“{value[6:14]}”不存在"
    if not has_valid_check_character(value):
        return f"身份证号{quoted(value)}的校验位不符，请核对是否有错字"
    return None


def birth_date_from_id(value: str) -> date | None:
    try:
        born = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return None
    return born if date(1900, 1, 1) <= born <= timezone.localdate() else None


def parse_phone(value: Any, header: str) -> str:
    result = narrow(text(value))
    if looks_masked(result):
        raise CellError(f"{header}是掩码，不能导入；请使用含完整号码的导出")
    if result and not PHONE.fullmatch(result):
        raise CellError(f"电话号码只能由数字、空格和“-”组成（7 至 20 位），收到{quoted(result)}")
    return result


def parse_date(value: Any) -> date | None:
    """A real Excel date, or text such as 2021-06-01, 2021/6/1, 2021年6月1日, 20210601."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raw = narrow(text(value))
    for pattern in DATE_PATTERNS:
        match = pattern.fullmatch(raw)
        if match:
            year, month, day = (int(part) for part in match.groups())
            try:
                result = date(year, month, day)
            except ValueError:
                break
            if 1900 <= result.year <= 2100:
                return result
            break
    raise CellError(f"无法识别的日期{quoted(raw)}，请填写如 2021-06-01 的日期")


def parse_bool(value: Any) -> bool:
    """``是``/``否`` (also TRUE/FALSE, Y/N, 1/0); blank means ``否``."""
    if isinstance(value, bool):
        return value
    raw = narrow(text(value)).lower()
    if raw == "" or raw in FALSE_WORDS:
        return False
    if raw in TRUE_WORDS:
        return True
    raise CellError(f"只能填写“是”或“否”，收到{quoted(text(value))}")


@cache
def choice_words(choices: type[models.TextChoices]) -> dict[str, str]:
    """Every accepted spelling of each choice: the label (“村/嘎查/社区”), each of its parts
    (“村”, “嘎查”, “社区”) and the stored value."""
    words: dict[str, str] = {}
    for choice in choices:
        label = str(choice.label)
        words[label] = choice.value
        for part in label.split("/"):
            words.setdefault(part, choice.value)
        words.setdefault(choice.value, choice.value)
    return words


def allowed(labels: list[str]) -> str:
    if len(labels) == 2:
        return f"只能填写{quoted(labels[0])}或{quoted(labels[1])}"
    return "只能填写" + "、".join(quoted(label) for label in labels) + "之一"


def parse_choice(value: Any, choices: type[models.TextChoices]) -> str:
    raw = narrow(text(value))
    words = choice_words(choices)
    found = words.get(raw) or words.get(raw.lower())
    if found is None:
        labels = [str(choice.label) for choice in choices]
        raise CellError(f"{allowed(labels)}，收到{quoted(text(value))}")
    return found


def parse_count(value: Any, low: int = 1, high: int = 99) -> int:
    raw = narrow(text(value))
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise CellError(f"应为 {low} 到 {high} 之间的整数，收到{quoted(text(value))}")
    return int(raw)


def parse_id_list(value: Any, header: str) -> list[str]:
    """Several ID numbers in one cell, separated by 、 , ; or line breaks; duplicates dropped."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return [parse_id_number(value, header)]  # raises: Excel has already lost digits
    items = []
    for part in LIST_SEPARATORS.split(narrow(text(value))):
        if part:
            item = parse_id_number(part, header)
            if item not in items:
                items.append(item)
    return items
