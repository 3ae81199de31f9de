from django import template

register = template.Library()


@register.filter
def minus(a, b):
    """a − b for the index change against last year (None when either is missing)."""
    if a is None or b is None:
        return None
    return a - b
