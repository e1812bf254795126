"""The clauses of the alliance agreement, following 附件2's writing guide (编写指南) section by section.

A version's clauses are one JSON object {section: {field: value}}. Prose stays prose; what the
software acts on is structured: the task division and the fund contributions name member units,
the decision rules are the thresholds and quorums governance applies (the charter is derived from
them), the dispute clause is one choice, the IP clause states the free use for alliance R&D.
Parties are not clauses: they come from the member units and their signatures.
"""

import difflib
import json

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from governance.models import DEFAULT_THRESHOLDS, ENTRENCHED_KINDS, MotionKind, Threshold, threshold_words

TEXT, OPTIONAL, TASKS, SHARES, RULES, CHOICE, FLAG = "text", "optional", "tasks", "shares", "rules", "choice", "flag"
MAX_TEXT = 20000
DISPUTE_CHOICES = {"arbitration": gettext_lazy("仲裁"), "litigation": gettext_lazy("诉讼")}

# (section, title, [(field, label, type)]): the order of 附件2 (序文, 定义, 主文 1-11, 附件).
SECTIONS = [
    ("recitals", gettext_lazy("鉴于条款"), [("text", gettext_lazy("鉴于"), TEXT)]),
    ("definitions", gettext_lazy("定义"), [("text", gettext_lazy("定义"), OPTIONAL)]),
    ("purpose", gettext_lazy("联盟名称、组织原则和组建宗旨"), [
        ("name", gettext_lazy("联盟名称"), TEXT), ("principles", gettext_lazy("组织原则"), TEXT),
        ("purpose", gettext_lazy("组建宗旨"), TEXT)]),
    ("goals", gettext_lazy("技术创新目标、任务和成员任务分工"), [
        ("near_term", gettext_lazy("近期目标"), TEXT), ("long_term", gettext_lazy("远期目标"), TEXT),
        ("tasks", gettext_lazy("联盟任务"), TEXT), ("division", gettext_lazy("成员任务分工"), TASKS),
        ("later", gettext_lazy("另行协商的任务分工"), OPTIONAL)]),
    ("organs", gettext_lazy("组织机构及职责"), [
        ("responsible_entity", gettext_lazy("对外承担责任的主体及授权范围"), TEXT),
        ("council", gettext_lazy("理事会的组成、职责和议事规则"), TEXT),
        ("experts", gettext_lazy("专家委员会"), OPTIONAL),
        ("secretariat", gettext_lazy("秘书处的组成、职责和专职人员"), TEXT),
        ("rules", gettext_lazy("表决规则与法定人数"), RULES)]),
    ("members", gettext_lazy("联盟成员"), [
        ("conditions", gettext_lazy("基本条件"), TEXT), ("rights", gettext_lazy("权利"), TEXT),
        ("duties", gettext_lazy("义务"), TEXT), ("joining", gettext_lazy("新成员的加入"), TEXT),
        ("withdrawal", gettext_lazy("成员的退出"), TEXT), ("expulsion", gettext_lazy("成员的除名"), TEXT)]),
    ("funds", gettext_lazy("经费管理"), [
        ("sources", gettext_lazy("经费来源"), TEXT), ("uses", gettext_lazy("经费用途"), TEXT),
        ("contributions", gettext_lazy("成员投入方式和比例"), SHARES),
        ("manager", gettext_lazy("经费管理机构及责任"), TEXT), ("audit", gettext_lazy("内部监督与审计"), TEXT)]),
    ("projects", gettext_lazy("项目管理"), [("text", gettext_lazy("立项、实施、验收与监督"), TEXT)]),
    ("ip", gettext_lazy("收益分配和知识产权"), [
        ("background", gettext_lazy("现有知识产权的投入和共享"), TEXT),
        ("foreground", gettext_lazy("新知识产权的归属和使用"), TEXT),
        ("free_use_rd_only", gettext_lazy("成员知识产权仅限联盟研发无偿使用"), FLAG),
        ("revenue", gettext_lazy("收益分配办法"), TEXT), ("management", gettext_lazy("知识产权管理和保护"), OPTIONAL)]),
    ("openness", gettext_lazy("开放发展与成果扩散（第八条（七））"), [
        ("new_members", gettext_lazy("吸收新成员"), TEXT), ("cooperation", gettext_lazy("对外交流与合作"), TEXT),
        ("diffusion", gettext_lazy("政府资助项目成果向联盟外扩散"), TEXT)]),
    ("dissolution", gettext_lazy("解散和清算"), [("text", gettext_lazy("解散情形、程序和清算办法"), TEXT)]),
    ("breach", gettext_lazy("违约责任"), [
        ("damages", gettext_lazy("违约责任与赔偿"), TEXT), ("confidentiality", gettext_lazy("保密义务"), TEXT)]),
    ("force_majeure", gettext_lazy("不可抗力"), [("text", gettext_lazy("不可抗力"), TEXT)]),
    ("disputes", gettext_lazy("争议解决"), [
        ("method", gettext_lazy("解决方式（仲裁或诉讼，二者择一）"), CHOICE), ("forum", gettext_lazy("仲裁机构或管辖法院"), TEXT)]),
    ("law", gettext_lazy("法律适用"), [("text", gettext_lazy("适用法律"), TEXT)]),
    ("effect", gettext_lazy("协议的生效、期限和变更"), [
        ("effect", gettext_lazy("生效"), TEXT), ("term", gettext_lazy("期限"), TEXT), ("amendment", gettext_lazy("变更"), TEXT)]),
    ("notices", gettext_lazy("文件送达"), [("text", gettext_lazy("送达方式和地址"), TEXT)]),
    ("other", gettext_lazy("其他约定事项"), [("text", gettext_lazy("其他事项"), OPTIONAL)]),
    ("annexes", gettext_lazy("附件"), [
        ("fund_rules", gettext_lazy("联盟经费管理办法"), OPTIONAL), ("ip_rules", gettext_lazy("联盟知识产权管理办法"), OPTIONAL),
        ("proxy_letters", gettext_lazy("授权委托书"), OPTIONAL)]),
]
FIELDS = {section: {name: (label, kind) for name, label, kind in fields} for section, _t, fields in SECTIONS}
TITLES = {section: title for section, title, _f in SECTIONS}
# The clauses the bureau reads as fields (第八条(二)(六)(七), 第十一条).
BUREAU_SECTIONS = ("goals", "ip", "openness")


def default_rules() -> dict:
    from governance.services import DEFAULT_MOTION_QUORUMS

    return {"thresholds": {str(k): str(v) for k, v in DEFAULT_THRESHOLDS.items()},
            "quorums": {k: list(v) for k, v in DEFAULT_MOTION_QUORUMS.items()}, "meeting_quorum": [2, 3]}


def _fraction_ok(value) -> bool:
    return (isinstance(value, (list, tuple)) and len(value) == 2 and all(isinstance(n, int) and not isinstance(n, bool)
            for n in value) and 0 <= value[0] <= value[1] and value[1] > 0)


def _rules_errors(value) -> list:
    if not isinstance(value, dict):
        return [_("表决规则格式不正确。")]
    errors = []
    thresholds, quorums = value.get("thresholds", {}), value.get("quorums", {})
    if not isinstance(thresholds, dict) or any(k not in MotionKind.values or v not in Threshold.values
                                               for k, v in thresholds.items()):
        errors.append(_("未知的议案类型或表决门槛。"))
    if not isinstance(quorums, dict) or any(k not in MotionKind.values or not _fraction_ok(v) for k, v in quorums.items()):
        errors.append(_("法定人数须为不大于1的分数。"))
    meeting = value.get("meeting_quorum", [2, 3])
    if not _fraction_ok(meeting) or meeting[0] == 0:
        errors.append(_("会议法定人数须为不大于1的正分数。"))
    if set(value) - {"thresholds", "quorums", "meeting_quorum"}:
        errors.append(_("表决规则格式不正确。"))
    return errors


def _rows_errors(value, key: str, units: set) -> list:
    if not isinstance(value, list) or not all(isinstance(row, dict) and set(row) == {"unit", key} for row in value):
        return [_("每一行须包括成员单位和内容。")]
    errors = []
    if any(row["unit"] not in units for row in value):
        errors.append(_("成员单位不属于本联盟。"))
    if any(not isinstance(row[key], str) or not row[key].strip() or len(row[key]) > 2000 for row in value):
        errors.append(_("请填写每个成员单位的内容（不超过2000字）。"))
    if len({row["unit"] for row in value}) != len(value):
        errors.append(_("同一成员单位只能出现一次。"))
    return errors


def validate(clauses, unit_ids) -> dict:
    """Field errors {"clauses.section.field": [messages]} of a clauses object (missing values are allowed:
    that is the completeness check's business); `unit_ids` the alliance's member unit ids."""
    if not isinstance(clauses, dict):
        return {"clauses": [_("条款须为对象。")]}
    errors = {}
    for section, fields in clauses.items():
        if section not in FIELDS or not isinstance(fields, dict):
            errors[f"clauses.{section}"] = [_("附件2没有此部分。")]
            continue
        for name, value in fields.items():
            key = f"clauses.{section}.{name}"
            if name not in FIELDS[section]:
                errors[key] = [_("此部分没有该条款。")]
                continue
            kind = FIELDS[section][name][1]
            if kind in (TEXT, OPTIONAL) and (not isinstance(value, str) or len(value) > MAX_TEXT):
                errors[key] = [_("请填写不超过20000字的文字。")]
            elif kind == FLAG and not isinstance(value, bool):
                errors[key] = [_("请选择是或否。")]
            elif kind == CHOICE and value not in ("", *DISPUTE_CHOICES):
                errors[key] = [_("争议解决方式只能选择仲裁或诉讼之一。")]
            elif kind == TASKS and (problems := _rows_errors(value, "tasks", set(unit_ids))):
                errors[key] = problems
            elif kind == SHARES and (problems := _rows_errors(value, "share", set(unit_ids))):
                errors[key] = problems
            elif kind == RULES and (problems := _rules_errors(value)):
                errors[key] = problems
    return errors


def _filled(kind, value) -> bool:
    if kind == FLAG:
        return value is True  # the free use for alliance R&D only must be agreed (附件2 7、1.2.1)
    if kind == RULES:
        return isinstance(value, dict) and set(value.get("thresholds", {})) >= set(MotionKind.values)
    return bool(value.strip() if isinstance(value, str) else value)


def missing(clauses: dict) -> list[str]:
    """The clauses 附件2 requires that are missing or empty, as "section: field" labels."""
    clauses = clauses if isinstance(clauses, dict) else {}
    return [_pair(title, label) for section, title, fields in SECTIONS for name, label, kind in fields
            if kind != OPTIONAL and not _filled(kind, clauses.get(section, {}).get(name))]


def merged(base: dict, changes: dict) -> dict:
    """`base` with `changes` applied section by section (a field given replaces the base's)."""
    result = {section: dict(fields) for section, fields in (base or {}).items()}
    for section, fields in (changes or {}).items():
        result.setdefault(section, {}).update(fields)
    return result


def rules_of(clauses: dict) -> dict:
    """The decision rules the agreement sets, completed with the defaults for kinds it does not name."""
    rules, base = (clauses or {}).get("organs", {}).get("rules") or {}, default_rules()
    return {"thresholds": base["thresholds"] | rules.get("thresholds", {}),
            "quorums": base["quorums"] | rules.get("quorums", {}),
            "meeting_quorum": list(rules.get("meeting_quorum") or base["meeting_quorum"])}


def entrenched_change(before: dict, after: dict) -> bool:
    """Does the change touch the rules for amending (the agreement, the charter) or the amendment clause?"""
    old, new = rules_of(before), rules_of(after)
    return (any(old["thresholds"].get(k) != new["thresholds"].get(k) or old["quorums"].get(k) != new["quorums"].get(k)
                for k in ENTRENCHED_KINDS)
            or (before or {}).get("effect", {}).get("amendment") != (after or {}).get("effect", {}).get("amendment"))


def display(kind, value, unit_names: dict) -> str:
    """A clause value as the text a reader sees (pages, diff, PDF, bureau)."""
    if kind == FLAG:
        return _("是") if value else _("否")
    if kind == CHOICE:
        return str(DISPUTE_CHOICES.get(value, ""))
    if kind in (TASKS, SHARES):
        key = "tasks" if kind == TASKS else "share"
        return "\n".join(_pair(unit_names.get(row['unit'], row['unit']), row[key]) for row in value or [])
    if kind == RULES:
        rules = value or {}
        lines = [_pair(MotionKind(k).label, threshold_words(v)) for k, v in sorted(rules.get("thresholds", {}).items())]
        lines += [_("%(kind)s法定投票人数：%(n)d/%(d)d") % {"kind": MotionKind(k).label, "n": v[0], "d": v[1]}
                  for k, v in sorted(rules.get("quorums", {}).items()) if v[0]]
        if rules.get("meeting_quorum"):
            lines.append(_("会议法定人数：%(n)d/%(d)d") % {"n": rules["meeting_quorum"][0], "d": rules["meeting_quorum"][1]})
        return "\n".join(lines)
    return value or ""


def readable(clauses: dict, unit_names: dict) -> list[dict]:
    """Every section with its fields as text, in 附件2's order."""
    clauses = clauses or {}
    return [{"key": section, "title": str(title), "fields": [
        {"key": name, "label": str(label), "text": display(kind, clauses.get(section, {}).get(name), unit_names)}
        for name, label, kind in fields]} for section, title, fields in SECTIONS]


def diff(before: dict, after: dict, unit_names: dict) -> list[dict]:
    """The changed clauses, each with its before and after text and a line diff (+/-)."""
    rows = []
    for section, title, fields in SECTIONS:
        for name, label, kind in fields:
            old = (before or {}).get(section, {}).get(name)
            new = (after or {}).get(section, {}).get(name)
            if json.dumps(old or None, sort_keys=True) == json.dumps(new or None, sort_keys=True):
                continue  # an empty clause is empty whether missing, blank or unchecked
            old_text, new_text = display(kind, old, unit_names), display(kind, new, unit_names)
            lines = [{"op": line[0], "text": line[2:]} for line in difflib.ndiff(old_text.splitlines(), new_text.splitlines())
                     if line[0] in "+- "]
            rows.append({"section": section, "section_title": str(title), "field": name, "label": str(label),
                         "before": old_text, "after": new_text, "lines": lines})
    return rows


def _pair(name, value) -> str:
    """"name：value" in Chinese, "name: value" in English."""
    return _("%(name)s：%(value)s") % {"name": name, "value": value}
