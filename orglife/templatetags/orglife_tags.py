"""Small filters for the organizational-life pages."""

from django import template

register = template.Library()


@register.filter
def pct(value) -> str:
    """A share (0–1) as a percentage with one decimal; ``—`` when there is nothing due."""
    return "—" if value is None else f"{value * 100:.1f}%"


@register.filter
def width(value) -> str:
    """A share (0–1) as a CSS width for a bar."""
    return f"{(value or 0) * 100:.1f}%"
