import pytest
from django_scopes import scope

from alliances.errors import ValidationFailed
from membership import services
from membership.models import MemberUnit
from membership.uscc import ALPHABET, is_valid_uscc
from tests.membership.conftest import complete_fields

# Published codes of real organisations (business licences are public records).
REAL_CODES = [
    "914403001922038216",  # 华为技术有限公司
    "9144030071526726XG",  # 深圳市腾讯计算机系统有限公司
    "91330100799655058B",  # 阿里巴巴（中国）有限公司
    "91110108551385082Q",  # 小米科技有限责任公司
    "12100000400000624D",  # a public institution (事业单位), registration authority 1
]


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_unified_social_credit_codes_are_accepted(code):
    assert is_valid_uscc(code)


@pytest.mark.parametrize("code", REAL_CODES)
def test_every_corrupted_check_character_is_refused(code):
    for wrong in ALPHABET:
        if wrong != code[-1]:
            assert not is_valid_uscc(code[:-1] + wrong), code[:-1] + wrong


@pytest.mark.parametrize("code,problem", [
    ("91440300192203821", "length"), ("9144030019220382166", "length"),
    ("91440300I92203821X", "alphabet"), ("91A403001922038216", "division"),
])
def test_malformed_codes_are_refused(code, problem):
    from membership.uscc import uscc_problem

    assert uscc_problem(code) == problem


def test_a_corrupted_code_is_refused_with_a_clear_message_in_chinese_and_english(oe):
    fields = complete_fields(uscc="914403001922038217")
    with pytest.raises(ValidationFailed) as error:
        services.member_apply(actor=oe.user("sec"), alliance=oe.alliance, **fields)
    assert "校验码不正确" in str(error.value.fields["uscc"][0])
    from django.utils import translation

    with translation.override("en"), pytest.raises(ValidationFailed) as error:
        services.member_apply(actor=oe.user("sec"), alliance=oe.alliance, **fields)
    assert "check character" in str(error.value.fields["uscc"][0])
    with scope(alliance=oe.alliance):
        assert not MemberUnit.objects.filter(name=fields["name"]).exists()


def test_a_duplicate_code_within_an_alliance_is_refused_but_allowed_in_another(oe, bm):
    code = oe.units[3].uscc
    with pytest.raises(ValidationFailed) as error:
        services.member_apply(actor=oe.user("sec"), alliance=oe.alliance, **complete_fields(uscc=code))
    assert "已有使用该统一社会信用代码" in str(error.value.fields["uscc"][0])
    with scope(alliance=oe.alliance):
        assert MemberUnit.objects.filter(uscc=code).count() == 1
    unit = services.member_apply(actor=bm.user("sec"), alliance=bm.alliance, **complete_fields(uscc=code))
    assert unit.uscc == code and unit.alliance == bm.alliance


def test_codes_are_normalised_to_upper_case_without_spaces(oe):
    unit = services.member_apply(actor=oe.user("sec"), alliance=oe.alliance,
                                 **complete_fields(uscc=" 9144030071526726xg "))
    assert unit.uscc == "9144030071526726XG"
