"""User names and passwords: one normalisation of the name, and the password rules.

**User names** are compared exactly (``User.username`` is case-sensitive on SQLite and
PostgreSQL, ``user_create`` stores the name as given and Django's ``ModelBackend`` looks it up
exactly), so the one normalisation used by the sign-in form, the rate limiter's key, the
lockout and the audit entries is: Unicode NFKC (a full-width ``ｐｉｎｇｇｕ`` or an ideographic
space becomes ASCII, as Django's ``UsernameField`` does) and then surrounding white space
stripped. No case folding: ``PINGGU`` is a different (non-existent) account, and it cannot
sign in as ``pinggu``.

**Passwords** (``AUTH_PASSWORD_VALIDATORS``, applied when a password is set or changed, as
Django's are): not the user name and not the site name (联盟管理平台, ``lianmeng``), also not
with digits or signs added before or after them, in any case; not one of the passwords most
often used in China (Django's own common-password list covers the English ones).
"""

from __future__ import annotations

import unicodedata
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def normalise_username(value: object) -> str:
    """The user name as sign-in, limiter, lockout and audit compare it."""
    return unicodedata.normalize("NFKC", str(value or "")).strip()


def _letters(password: str) -> str:
    """The password's letters only, case-folded: ``Pinggu-2026!`` → ``pinggu``."""
    folded = unicodedata.normalize("NFKC", password).casefold()
    return "".join(ch for ch in folded if ch.isalpha())


#: the site's names, as someone would type them into a password
SITE_NAMES = (
    "联盟管理平台",
    "联盟管理",
    "联盟",
    "lianmeng",
    "lianmengguanlipingtai",
    "lianmengguanli",
    "lianmengpingtai",
    "lmglpt",
)

#: passwords often used in China that are not in Django's (English) list, by their letters
COMMON_CHINESE = frozenset(
    {
        "woaini",
        "woainia",
        "woaiwojia",
        "aini",
        "iloveyou",
        "qwe",
        "qwer",
        "qwert",
        "qwerty",
        "qwertyuiop",
        "asdf",
        "asdfgh",
        "asdfghjkl",
        "zxcvbnm",
        "qaz",
        "qazwsx",
        "qazwsxedc",
        "qwsx",
        "wsx",
        "abc",
        "abcd",
        "abcdef",
        "aaa",
        "admin",
        "root",
        "password",
        "passwd",
        "mima",
        "zhongguo",
        "china",
        "kejiting",
        "kejiju",
        "keji",
        "henan",
        "zhengzhou",
        "luoyang",
        "baoding",
    }
)


class UserNamePasswordValidator:
    """Refuse a password that is the user name, with or without digits and signs."""

    def validate(self, password: str, user: Any = None) -> None:
        if user is None:
            return
        name = _letters(normalise_username(getattr(user, "username", "") or ""))
        if name and _letters(password) == name:
            raise ValidationError(
                _("密码不能是用户名，也不能是用户名加数字或符号。"), code="password_is_username"
            )

    def get_help_text(self) -> str:
        return _("密码不能是用户名，也不能是用户名加数字或符号。")


class SiteNamePasswordValidator:
    """Refuse the site's name (联盟管理平台, lianmeng) with or without digits and signs."""

    def validate(self, password: str, user: Any = None) -> None:
        if _letters(password) in {_letters(n) for n in SITE_NAMES}:
            raise ValidationError(
                _("密码不能是本平台的名称（联盟管理平台、lianmeng），也不能是其加数字或符号。"),
                code="password_is_site_name",
            )

    def get_help_text(self) -> str:
        return _("密码不能是本平台的名称（联盟管理平台、lianmeng），也不能是其加数字或符号。")


class CommonChinesePasswordValidator:
    """Refuse passwords often used in China (woaini1314, qwe123456 …): letters from a short
    list, or at most one distinct letter (12345678a, aaaa1111)."""

    def validate(self, password: str, user: Any = None) -> None:
        letters = _letters(password)
        if letters in COMMON_CHINESE or len(set(letters)) <= 1:
            raise ValidationError(
                _("这个密码过于常见，容易被猜中。请换一个，例如由几个不相关的词和数字组成。"),
                code="password_too_common_cn",
            )

    def get_help_text(self) -> str:
        return _("密码不能是常见密码。")
