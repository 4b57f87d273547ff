"""Ways to reach someone off the page: phone numbers, messenger handles and e-mail addresses.

Spam that sells ("contact Dr. X on WhatsApp +1 555 ...") wants the reader elsewhere; a civil
comment rarely leaves a number. The text is read as the link counter reads it (`link_view`:
look-alike and defanged dots undone), so "name [at] gmail dot com" is an address too. Each
pattern is anchored and bounded, so the time stays linear in the comment's length.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from moderation.content_rules.links import is_top_level_domain, link_view

# Messengers by the words people write them with, one alternative (and feature name) each, in
# one pattern: the text is scanned once. ASCII case folding: the words are ASCII, and NFKC has
# made fullwidth letters ASCII already.
_MESSENGER = re.compile(
    r"""
    \b(?:
        (?P<whatsapp> whats?\s?app | wh?atsap+ | wa\.me/ )
      | (?P<telegram> telegram | telegra\.ph | t\.me/ )
      | (?P<signal> signal\.me/ | signal\s+(?:app|messenger)\b | signal\s*:\s*[+@\d] )
      | (?P<wechat> we\s?chat\b | weixin\b )
      | (?P<skype> skype\b )
      | (?P<icq> icq\b )
      | (?P<viber> viber\b )
      | (?P<line> line\s+id\b )
      | (?P<kik> kik\s*(?:me|messenger|:) )
    )
    | (?P<wechat_han> 微信 )
    """,
    re.IGNORECASE | re.ASCII | re.VERBOSE,
)
# A link straight into a chat: nothing else is needed to call it a contact.
# Skype's ids are `live:<name>`.
_CHAT_LINK = re.compile(
    r"\b(?:(?:wa\.me|t\.me|telegram\.me|signal\.me|api\.whatsapp\.com)/\S|live:[\w.-]{3})",
    re.IGNORECASE | re.ASCII,
)
# Someone asked to be reached: a messenger named near one of these is a contact, not a topic.
_CONTACT_WORDS = re.compile(
    r"\b(?:contact(?:ed)?|reach|message|text|call|add|dm|chat|write|hit\s+me\s+up)\b",
    re.IGNORECASE | re.ASCII,
)
_HANDLE = re.compile(r"(?<![\w@.])@[A-Za-z][A-Za-z0-9_]{3,31}\b")
# Next to a messenger's name, a long number is an account (ICQ's are numbers), not a count.
_ACCOUNT_NUMBER = re.compile(r"\d{5,}")
# A phone number: "+", "00" or a digit, then digits in groups separated by one space, dot, dash
# or parentheses; counted as one when it holds 9 to 15 digits (E.164's longest).
_PHONE = re.compile(r"(?<![\w+.,])(?:\+|00)?\(?\d{1,4}\)?(?:[ .\-]?\(?\d{1,5}\)?){1,6}+(?![\w.,]\d)")
# Numbers that are not phones: thousands ("1.000.000.000", "15 000 000 000"), IPv4 addresses,
# dates, ranges of years, ISBNs.
_NOT_PHONE = re.compile(
    r"\d{1,3}(?:[ .,]\d{3})+|\d{1,3}(?:\.\d{1,3}){3}|(?:\d{1,2}[-/.]){2}\d{2,4}|\d{4}\s*[-–]\s*\d{4}"
    r"|97[89](?:[- ]\d{1,7}){3}[- ][0-9X]"
)
# "name at gmail dot com": a spelled-out "at" only before a known mail provider (`looked at
# example.com` is prose); a bracketed one, "[at]" or "(@)", before any domain.
# (Without leading white space, so the scan jumps from bracket to bracket; the spaces around a
# bracketed "at" go after, only where there was one.)
_BRACKETED_AT = re.compile(r"[\[({<]\s*(?:at|@)\s*[\])}>]", re.IGNORECASE)
_SPACED_AT = re.compile(r"\s*@\s*")
_SPELLED_AT = re.compile(
    r"(?<=\w)\s+at\s+(?=(?:gmail|googlemail|yahoo|hotmail|outlook|live|icloud|aol|proton(?:mail)?|gmx|"
    r"yandex|mail|web|qq|163|126|zoho)\.)",
    re.IGNORECASE,
)
_EMAIL = re.compile(
    r"(?<![\w.+-])[\w.+-]{1,64}+@(?P<domain>[\w-]{1,63}+(?:\.[\w-]{1,63}+){1,6}+)", re.IGNORECASE
)
# How near (in characters) a contact word or number must be to a messenger's name, and around
# how many of the names to look (a text naming a messenger hundreds of times costs no more).
_NEAR = 40
_NEAR_LOOKS = 10


@dataclass(frozen=True)
class Contacts:
    """The ways to reach someone a text holds: `features` such as `contact:phone`,
    `contact:email`, `contact:whatsapp` (a messenger merely named, "WhatsApp was down", too), and
    whether it `offers` one: a phone number, an e-mail address, a link into a chat, or a
    messenger named next to a handle, a long number or a word like "contact"."""

    features: frozenset[str] = frozenset()
    offers: bool = False
    email: bool = False


def contacts(text: str) -> Contacts:
    view = link_view(text)
    phone, email = _has_phone(view), _has_email(view)
    features = {*(["contact:phone"] if phone else []), *(["contact:email"] if email else [])}
    offers = phone or email or bool(_CHAT_LINK.search(view))
    for seen, match in enumerate(_MESSENGER.finditer(view)):
        features.add("contact:" + str(match.lastgroup).removesuffix("_han"))
        if not offers and seen < _NEAR_LOOKS:
            around = view[max(0, match.start() - _NEAR) : match.end() + _NEAR]
            offers = bool(
                _HANDLE.search(around) or _ACCOUNT_NUMBER.search(around) or _CONTACT_WORDS.search(around)
            )
    return Contacts(frozenset(features), offers, email)


def _has_phone(view: str) -> bool:
    for match in _PHONE.finditer(view):
        number = match.group().strip()
        digits = sum(character.isdigit() for character in number)
        if not 9 <= digits <= 15 or _NOT_PHONE.fullmatch(number):
            continue
        # A bare run of digits is an order number or a price as often as a phone: only with "+",
        # "00" or separators between groups is it written as a phone number is.
        if number.isdigit() and not number.startswith("00"):
            continue
        return True
    return False


def _has_email(view: str) -> bool:
    spelled, bracketed = _BRACKETED_AT.subn("@", view)
    if bracketed:
        spelled = _SPACED_AT.sub("@", spelled)
    spelled = _SPELLED_AT.sub("@", spelled)
    return any(
        is_top_level_domain(match["domain"].rsplit(".", 1)[-1].casefold())
        for match in _EMAIL.finditer(spelled)
    )
