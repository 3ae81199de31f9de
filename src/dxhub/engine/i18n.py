"""Message marking and Vietnamese number formatting, with no Django dependency.

``_`` is a no-op marker: ``makemessages`` (xgettext) extracts every ``_("...")`` literal, and
the Django layer translates ``Problem.message`` (the untranslated template) before interpolating
``Problem.params``. Params are already strings, so a translation only reorders them.
"""

import math
from numbers import Real


def _(message: str) -> str:
    """Mark a message template for extraction; returns it unchanged."""
    return message


def vn_number(x, decimals: int = 9) -> str:
    """A number the Vietnamese way: decimal comma, dot between thousands, no trailing zeros.

    12.5 -> "12,5"; 1000 -> "1.000"; 0.1 + 0.2 -> "0,3". Anything that is not a real number
    (a string typed where a number belongs) is shown as it is.
    """
    if isinstance(x, bool) or not isinstance(x, Real):
        return str(x)
    x = float(x)
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "∞" if x > 0 else "−∞"
    text = f"{x:,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")
