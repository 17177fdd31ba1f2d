"""``{% required_mark %}``: the same ``*`` that ``core.forms.MarkedBoundField`` puts on a
required form field's label, for the few labels a template writes by hand (a reason typed
into a bare ``<textarea>``, the login page)."""

from django import template

from core.forms import required_mark_html

register = template.Library()


@register.simple_tag
def required_mark():
    return required_mark_html()
