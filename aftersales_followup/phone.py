# Copyright 2026 After-sales suite contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The one rule that turns a phone number, however it was written, into the key the
caller lookup compares: ``phone_key`` for Python and ``aftersales_phone_key(text)`` for
SQL (bulk loads, migrations), built from the same steps; a test holds them equal.

The rule (Chinese numbering plan): keep the digits; drop the leading zeros (the ``00``
of an international call, the trunk ``0`` of an area code); drop the country code
``86`` when more than 11 digits remain (a Chinese number is at most 11 digits without
it: mobiles 1xx xxxx xxxx, area code + subscriber number for land lines), then the zeros
again (``+86 (0)21 ...``); keep the last 11 digits (a trailing extension does not change
the caller). So ``+86 138 0013 8000``, ``0086-13800138000`` and ``13800138000`` give
``13800138000``; ``021-5888-1200`` and ``+86 21 5888 1200`` give ``2158881200``.
"""
import re

KEY_DIGITS = 11
COUNTRY_CODE = "86"
# A search term is a phone number when it is written with digits and the signs people
# put in numbers only, with at least this many digits (a name or a plate never is).
MIN_DIGITS = 7
_PHONE_LIKE = re.compile(r"^[+\d\s().\-/]+$")

SQL_FUNCTION = """
CREATE OR REPLACE FUNCTION aftersales_phone_key(number text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT NULLIF(right(ltrim(CASE WHEN length(d) > %(digits)d AND d LIKE '%(cc)s%%'
                                   THEN substr(d, %(skip)d) ELSE d END, '0'),
                        %(digits)d), '')
      FROM (SELECT ltrim(regexp_replace(COALESCE(number, ''), '[^0-9]', '', 'g'), '0')
                   AS d) AS digits
$$
""" % {"digits": KEY_DIGITS, "cc": COUNTRY_CODE, "skip": len(COUNTRY_CODE) + 1}


def phone_key(number):
    """The caller-lookup key of ``number`` (see the module's docstring), or False."""
    digits = re.sub(r"[^0-9]", "", number or "").lstrip("0")
    if len(digits) > KEY_DIGITS and digits.startswith(COUNTRY_CODE):
        digits = digits[len(COUNTRY_CODE):]
    digits = digits.lstrip("0")[-KEY_DIGITS:]
    return digits or False


def looks_like_phone(term):
    """Whether a search term is a phone number rather than a name or a reference."""
    term = (term or "").strip()
    return bool(_PHONE_LIKE.match(term)) and len(re.sub(r"[^0-9]", "", term)) >= MIN_DIGITS


def create_sql_function(cr):
    """(Re)create the SQL twin of ``phone_key``; the migration and ``init`` call it."""
    cr.execute(SQL_FUNCTION)
