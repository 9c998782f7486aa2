"""Characters an AWS answer can carry: XML 1.0's ``Char`` production (https://www.w3.org/TR/xml/#charsets).

EC2 answers in XML, and XML 1.0 cannot carry C0 control characters other than tab, newline and
CR, lone surrogates, or U+FFFE/U+FFFF — not even as character references. Free text AWS stores
(tags, descriptions, names) is refused when it holds one (``control``), requests are refused when a
parameter does (``aws.protocol``), and the XML writer replaces any that slipped through, so every
answer stays well-formed.
"""

from __future__ import annotations

import re

#: what XML 1.0 cannot carry, even escaped
XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def invalid_char(text: str) -> str | None:
    """The first character of ``text`` an XML answer cannot carry, or None.

    The common case costs one ``str.isprintable`` (C): a printable string holds none of them."""
    if text.isprintable():
        return None
    m = XML_INVALID.search(text)
    return m.group() if m else None


def describe_char(char: str) -> str:
    """``U+0001``: how an error message names a character it must not echo."""
    return f"U+{ord(char):04X}"
