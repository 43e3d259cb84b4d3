"""Masking of personal data. Applied inside data_access, so unmasked names, phone
numbers and ID numbers never leave it (pages, exports and logs only see masks).

- names: 张三 → 张*, 张三丰 → 张*丰; four or more characters keep the surname and the
  last: 欧阳小明 → 欧阳**明 for a compound surname (复姓), else one character, 乌云其木格
  → 乌***格 (a Mongolian name has no surname: 乌云 is half the given name); a mask of
  four or more is always five characters long, so it does not give the length away;
- phones: 13812345678 → 138****5678 (a country code +86 is dropped first); shorter
  numbers keep at most two digits at each end, numbers under 7 characters nothing;
- free text (summaries, flow-log notes): mobile numbers, landlines and resident ID
  numbers found in it are masked the same way.
"""

from __future__ import annotations

import re

MASK = "*"
# Compound surnames (复姓) in use today: a name that starts with one keeps both characters.
# fmt: off
COMPOUND_SURNAMES = frozenset([
    "欧阳", "上官", "司马", "东方", "独孤", "南宫", "万俟", "闻人", "夏侯", "诸葛", "尉迟", "公羊",
    "赫连", "澹台", "皇甫", "宗政", "濮阳", "公冶", "太叔", "申屠", "公孙", "慕容", "仲孙", "钟离",
    "长孙", "宇文", "司徒", "鲜于", "司空", "闾丘", "子车", "亓官", "司寇", "巫马", "公西", "颛孙",
    "壤驷", "公良", "漆雕", "乐正", "宰父", "谷梁", "拓跋", "夹谷", "轩辕", "令狐", "段干", "百里",
    "呼延", "东郭", "南门", "羊舌", "微生", "梁丘", "左丘", "西门", "第五", "端木", "东里", "即墨",
    "达奚", "褚师", "完颜", "爱新", "叶赫", "纳兰",
])
# fmt: on

_PHONE_SEPARATORS = re.compile(r"[\s\-()（）]")
_MOBILE_WITH_CODE = re.compile(r"(?:\+?86)?(1\d{10})")
# In free text: an 18-character (or old 15-digit) ID number, an 11-digit mobile, a
# landline with area code. Digits around the match must not continue the number.
_ID_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")
_MOBILE_IN_TEXT = re.compile(r"(?<!\d)(?:\+?86[\s-]?)?1[3-9]\d(?:[\s-]?\d{4}){2}(?!\d)")
_LANDLINE_IN_TEXT = re.compile(r"(?<!\d)0\d{2,3}[\s-]?\d{7,8}(?!\d)")


def mask_name(name: str | None) -> str:
    """张*三 for 3 characters, 张* for 2, '*' for 1; for 4 or more the surname, stars
    and the last: 欧阳**明 (a compound surname), 周***梅 (else), five characters."""
    if not name:
        return ""
    text = "".join(name.split())  # no whitespace: "张 三" is the name 张三
    n = len(text)
    if n == 0:
        return ""
    if n == 1:
        return MASK
    if n == 2:
        return text[0] + MASK
    if n == 3:
        return text[0] + MASK + text[2]
    kept = 2 if text[:2] in COMPOUND_SURNAMES else 1
    return text[:kept] + MASK * (4 - kept) + text[-1]


def mask_phone(phone: str | None) -> str:
    """138****5678 for a mobile number; at most 2 + 2 digits kept for 7 to 10 digits,
    none for fewer. Only digits are shown."""
    if not phone:
        return ""
    text = _PHONE_SEPARATORS.sub("", phone)
    mobile = _MOBILE_WITH_CODE.fullmatch(text)
    # Only digits are shown, counted and kept: other characters would make a short
    # number look long enough to show more of it.
    text = mobile.group(1) if mobile else re.sub(r"\D", "", text)
    n = len(text)
    if n == 0:
        return ""
    if n >= 11:
        return text[:3] + MASK * 4 + text[-4:]
    if n >= 7:
        return text[:2] + MASK * 4 + text[-2:]
    return MASK * 4


def mask_id_number(number: str) -> str:
    """Resident ID number: the first 3 and last 2 characters, the rest starred."""
    return number[:3] + MASK * (len(number) - 5) + number[-2:]


def scrub_text(text: str | None) -> str:
    """Free text with ID numbers, mobile numbers and landlines in it masked."""
    if not text:
        return ""
    text = _ID_IN_TEXT.sub(lambda m: mask_id_number(m.group(0)), text)
    text = _MOBILE_IN_TEXT.sub(lambda m: mask_phone(m.group(0)), text)
    return _LANDLINE_IN_TEXT.sub(lambda m: mask_phone(m.group(0)), text)
