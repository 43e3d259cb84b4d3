"""Masking of personal data (data_access.masking): the published shapes, and — over
random names and numbers — that a mask never shows more than the characters it keeps."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from data_access.masking import (
    COMPOUND_SURNAMES,
    MASK,
    mask_id_number,
    mask_name,
    mask_phone,
    scrub_text,
)

CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
NAME_CHARS = st.one_of(CJK, st.sampled_from("·ABCxyz"))
# Random names, and names that start with a compound surname (random text rarely does).
NAMES = st.one_of(
    st.text(NAME_CHARS, min_size=1, max_size=12),
    st.builds(
        str.__add__,
        st.sampled_from(sorted(COMPOUND_SURNAMES)),
        st.text(NAME_CHARS, min_size=0, max_size=10),
    ),
)


@pytest.mark.parametrize(
    "name,masked",
    [
        ("张三", "张*"),
        ("张三丰", "张*丰"),
        ("欧阳小明", "欧阳**明"),
        ("欧阳娜娜明", "欧阳**明"),
        ("周秀英梅", "周***梅"),
        ("乌云其木格", "乌***格"),
        ("买买提·艾力", "买***力"),
        ("王", "*"),
        (" 李 四 ", "李*"),
        ("", ""),
        (None, ""),
    ],
)
def test_name_examples(name, masked):
    assert mask_name(name) == masked


@pytest.mark.parametrize(
    "phone,masked",
    [
        ("13812345678", "138****5678"),
        ("138 1234 5678", "138****5678"),
        ("138-1234-5678", "138****5678"),
        ("+8613812345678", "138****5678"),
        ("+86 138 1234 5678", "138****5678"),
        ("0472-5123456", "047****3456"),
        ("5123456", "51****56"),
        ("12345", "****"),
        ("", ""),
        (None, ""),
    ],
)
def test_phone_examples(phone, masked):
    assert mask_phone(phone) == masked


def _surname(name: str) -> int:
    """How many leading characters of a 4+ character name its mask keeps."""
    return 2 if name[:2] in COMPOUND_SURNAMES else 1


def _kept(name: str) -> int:
    n = len(name)
    return {0: 0, 1: 0, 2: 1, 3: 2}.get(n, _surname(name) + 1)


@given(NAMES)
def test_name_mask_keeps_only_its_characters(name):
    masked = mask_name(name)
    shown = [ch for ch in masked if ch != MASK]
    assert len(shown) == _kept(name) <= 3
    assert len(shown) < len(name) or len(name) == 0
    # What is shown is the name's own start and end, in place.
    if len(name) == 2:
        assert masked == name[0] + MASK
    elif len(name) == 3:
        assert masked == name[0] + MASK + name[2]
    elif len(name) >= 4:
        kept = _surname(name)
        assert masked == name[:kept] + MASK * (4 - kept) + name[-1]
    # The hidden middle never appears: with distinct characters, none of them is shown.
    if len(set(name)) == len(name) and len(name) >= 3:
        hidden = set(name[_surname(name) : -1]) if len(name) >= 4 else {name[1]}
        assert not hidden & set(shown)


@given(st.text(NAME_CHARS, min_size=4, max_size=30))
def test_long_names_do_not_give_their_length_away(name):
    assert len(mask_name(name)) == 5


@given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True))
def test_mobile_numbers_show_three_and_four_digits(phone):
    masked = mask_phone(phone)
    assert masked == phone[:3] + "****" + phone[-4:]
    assert sum(ch.isdigit() for ch in masked) == 7


@given(st.text(st.sampled_from("0123456789 -+()"), max_size=25))
def test_any_number_keeps_at_most_seven_digits_and_hides_four(phone):
    masked = mask_phone(phone)
    digits = re.sub(r"\D", "", phone)
    shown = sum(ch.isdigit() for ch in masked)
    assert shown <= 7
    assert shown <= max(0, len(digits) - 3) or shown == 0
    assert MASK in masked or masked == ""


@given(
    st.text(st.characters(min_codepoint=0x4E00, max_codepoint=0x4E20), max_size=8),
    st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True),
    st.from_regex(r"[1-6][0-9]{16}[0-9X]", fullmatch=True),
)
def test_scrub_text_masks_numbers_inside_text(prefix, phone, id_number):
    text = f"{prefix}电话{phone}，身份证{id_number}。"
    scrubbed = scrub_text(text)
    assert phone not in scrubbed
    assert id_number not in scrubbed
    assert mask_phone(phone) in scrubbed
    assert mask_id_number(id_number) in scrubbed
    assert scrubbed.startswith(prefix)


def test_scrub_text_leaves_ordinary_text():
    assert (
        scrub_text("邻里因噪音发生纠纷，2024年3月已调解") == "邻里因噪音发生纠纷，2024年3月已调解"
    )
    assert scrub_text(None) == ""
    assert scrub_text("座机 0472-5123456") == "座机 047****3456"
