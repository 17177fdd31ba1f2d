from datetime import date

from django import template

from orgs.models import age_on as _age_on

register = template.Library()


@register.filter
def age_on(birth_date: date, day: date) -> int:
    """Full years of age on ``day`` (周岁)."""
    return _age_on(birth_date, day)
