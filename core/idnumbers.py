"""Resident ID numbers (居民身份证号码, GB 11643-1999): 17 digits and a check character."""

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARACTERS = "10X98765432"


def check_character(first17: str) -> str:
    """The check character that completes the 17 digits ``first17``."""
    total = sum(int(digit) * weight for digit, weight in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARACTERS[total % 11]


def complete(first17: str) -> str:
    """``first17`` followed by its check character: a well-formed 18-character number."""
    return first17 + check_character(first17)


def has_valid_check_character(number: str) -> bool:
    return (
        len(number) == 18 and number[:17].isdigit() and check_character(number[:17]) == number[17]
    )
