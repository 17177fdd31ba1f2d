"""Masking of personal data (ID numbers, phones) for lists, exports and roles that do not
need the full value."""


def mask_id_number(value: str) -> str:
    """``150525198806120018`` → ``1505**********0018``: region prefix and last four kept."""
    if not value:
        return ""
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_phone(value: str) -> str:
    """``13912345678`` → ``139****5678``."""
    if not value:
        return ""
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def looks_masked(value: str) -> bool:
    return "*" in (value or "")
