"""Ways to reach someone off the page: phone numbers, messenger handles and e-mail addresses.

Spam that sells ("contact Dr. X on WhatsApp +1 555 ...") wants the reader elsewhere; a civil
comment rarely leaves a number. The text is read as the link counter reads it (`link_view`:
look-alike and defanged dots undone), so "name [at] gmail dot com" is an address too. Each
pattern is anchored and bounded, so the time stays linear in the comment's length.
"""

from __future__ import annotations

import re

from moderation.content_rules.links import is_top_level_domain, link_view

# Messengers by the words people write them with; the value is the feature's name.
_MESSENGERS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern, re.IGNORECASE))
    for name, pattern in (
        ("whatsapp", r"\b(?:whats?\s?app|wh?atsap+|wa\.me/|whatsapp\.com/)"),
        ("telegram", r"\b(?:telegram|telegra\.ph|t\.me/|telegram\.me/)"),
        ("signal", r"\b(?:signal\.me/|signal\s+(?:app|messenger)\b|(?<!a\s)signal\s*:\s*[+@\d])"),
        ("wechat", r"(?:\bwe\s?chat\b|\bweixin\b|微信)"),
        ("skype", r"\bskype\b"),
        ("icq", r"\bicq\b"),
        ("viber", r"\bviber\b"),
        ("line", r"\bline\s+id\b"),
        ("kik", r"\bkik\s*(?:me|messenger|:)"),
    )
)
# A link straight into a chat: nothing else is needed to call it a contact.
# Skype's ids are `live:<name>`.
_CHAT_LINK = re.compile(
    r"\b(?:(?:wa\.me|t\.me|telegram\.me|signal\.me|api\.whatsapp\.com)/\S|live:[\w.-]{3})", re.IGNORECASE
)
# Someone asked to be reached: a messenger named near one of these is a contact, not a topic.
_CONTACT_WORDS = re.compile(
    r"\b(?:contact(?:ed)?|reach|message|text|call|add|dm|chat|write|hit\s+me\s+up)\b",
    re.IGNORECASE,
)
_HANDLE = re.compile(r"(?<![\w@.])@[A-Za-z][A-Za-z0-9_]{3,31}\b")
# Next to a messenger's name, a long number is an account (ICQ's are numbers), not a count.
_ACCOUNT_NUMBER = re.compile(r"\d{5,}")
# A phone number: "+", "00" or a digit, then digits in groups separated by one space, dot, dash
# or parentheses; counted as one when it holds 9 to 15 digits (E.164's longest).
_PHONE = re.compile(r"(?<![\w+.,])(?:\+|00)?\(?\d{1,4}\)?(?:[ .\-]?\(?\d{1,5}\)?){1,6}+(?![\w.,]\d)")
# Numbers that are not phones: thousands ("1.000.000.000"), dates, ranges of years, ISBNs.
_NOT_PHONE = re.compile(
    r"\d{1,3}(?:[.,]\d{3})+|(?:\d{1,2}[-/.]){2}\d{2,4}|\d{4}\s*[-–]\s*\d{4}"
    r"|97[89](?:[- ]\d{1,7}){3}[- ][0-9X]"
)
# "name at gmail dot com": a spelled-out "at" only before a known mail provider (`looked at
# example.com` is prose); a bracketed one, "[at]" or "(@)", before any domain.
_BRACKETED_AT = re.compile(r"\s*[\[({<]\s*(?:at|@)\s*[\])}>]\s*", re.IGNORECASE)
_SPELLED_AT = re.compile(
    r"(?<=\w)\s+at\s+(?=(?:gmail|googlemail|yahoo|hotmail|outlook|live|icloud|aol|proton(?:mail)?|gmx|"
    r"yandex|mail|web|qq|163|126|zoho)\.)",
    re.IGNORECASE,
)
_EMAIL = re.compile(
    r"(?<![\w.+-])[\w.+-]{1,64}+@(?P<domain>[\w-]{1,63}+(?:\.[\w-]{1,63}+){1,6}+)", re.IGNORECASE
)
# How near (in characters) a contact word or number must be to a messenger's name.
_NEAR = 40


def contact_features(text: str) -> set[str]:
    """The ways to reach someone the text offers, as features: `contact:phone`, `contact:email`,
    `contact:whatsapp`, `contact:telegram`, ... A messenger merely named (`WhatsApp was down`)
    is a feature too; `offers_contact` says whether the text asks to be contacted."""
    view = link_view(text)
    found = {f"contact:{name}" for name, pattern in _MESSENGERS if pattern.search(view)}
    if _phones(view):
        found.add("contact:phone")
    if _emails(view):
        found.add("contact:email")
    return found


def offers_contact(text: str) -> bool:
    """Whether the text gives a way to reach someone off the page: a phone number, an e-mail
    address, a link into a chat, or a messenger named next to a handle, a long number or a word
    like "contact"."""
    view = link_view(text)
    if _phones(view) or _emails(view) or _CHAT_LINK.search(view):
        return True
    for _, pattern in _MESSENGERS:
        for match in pattern.finditer(view):
            around = view[max(0, match.start() - _NEAR) : match.end() + _NEAR]
            if _HANDLE.search(around) or _ACCOUNT_NUMBER.search(around) or _CONTACT_WORDS.search(around):
                return True
    return False


def has_email(text: str) -> bool:
    return bool(_emails(link_view(text)))


def _phones(view: str) -> list[str]:
    phones = []
    for match in _PHONE.finditer(view):
        number = match.group().strip()
        digits = sum(character.isdigit() for character in number)
        if not 9 <= digits <= 15 or _NOT_PHONE.fullmatch(number):
            continue
        # A bare run of digits is an order number or a price as often as a phone: only with "+",
        # "00" or separators between groups is it written as a phone number is.
        if number.isdigit() and not number.startswith("00"):
            continue
        phones.append(number)
    return phones


def _emails(view: str) -> list[str]:
    spelled = _SPELLED_AT.sub("@", _BRACKETED_AT.sub("@", view))
    return [
        match.group()
        for match in _EMAIL.finditer(spelled)
        if is_top_level_domain(match["domain"].rsplit(".", 1)[-1].casefold())
    ]
