"""Small filters for the services pages."""

from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """``mapping[key]`` in a template (a count by state), 0 when absent."""
    return mapping.get(key, 0) if mapping else 0
