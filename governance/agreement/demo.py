"""Demo agreement (called by governance/demo.py): a complete founding version signed by every party,
one amendment adopted by the council, and for the biomedical alliance an amendment awaiting its vote.
Idempotent: each step runs only when its version is missing."""

import datetime
from datetime import timedelta

from django.utils import timezone

from governance import services as governance
from governance.agreement import clauses, selectors, services
from governance.agreement.models import AgreementVersion

SIGNED_ON = datetime.date(2024, 5, 20)
AWAITING_VOTE = "biomed"


def founding_clauses(alliance, parties) -> dict:
    name, field = alliance.name, alliance.technology_field or "产业技术"
    return {
        "recitals": {"text": "鉴于：\n1.本协议缔约各方均具有独立法人资格，具有签订本协议的合法主体资格。\n"
                             f"2.本协议缔约各方签订本协议旨在成立{name}，并规范联盟运作。"},
        "purpose": {"name": name, "principles": "自愿、平等、合作、互利。",
                    "purpose": f"围绕{field}关键共性技术开展联合攻关，提升产业核心竞争力。"},
        "goals": {"near_term": "三年内突破关键共性技术5项，制定团体标准3项。",
                  "long_term": "十年内形成具有国际竞争力的产业技术创新体系。",
                  "tasks": "联合攻关、标准制定、成果转化和人才培养。",
                  "division": [{"unit": unit.pk, "tasks": f"承担{field}第{i + 1}研究方向的研发任务。"}
                               for i, unit in enumerate(parties)]},
        "organs": {"responsible_entity": "理事长单位作为联盟对外承担责任的主体，代表联盟签订科技计划项目任务书。",
                   "council": "理事会由各理事单位代表组成，是联盟的决策机构，按本协议的表决规则议事。",
                   "experts": "专家委员会为理事会的咨询机构。",
                   "secretariat": "秘书处为联盟常设执行机构，配备专职人员不少于3名。",
                   "rules": clauses.default_rules()},
        "members": {"conditions": "在本技术领域具有优势的独立法人。", "rights": "参与联盟项目、共享联盟资源。",
                    "duties": "履行任务分工，按约定投入经费。", "joining": "经理事会表决通过，由理事长单位代表联盟签署入盟协议。",
                    "withdrawal": "提前三个月书面申请。", "expulsion": "严重违反本协议的，经理事会三分之二以上同意除名。"},
        "funds": {"sources": "成员投入、政府资助及其他合法收入。", "uses": "公用办公和项目研发。",
                  "contributions": [{"unit": unit.pk, "share": "每年5万元"} for unit in parties],
                  "manager": "理事会委托理事长单位设立独立账目，专账管理、专款专用。",
                  "audit": "接受理事会确认的会计师事务所审计并报理事会审查。"},
        "projects": {"text": "联盟项目经理事会立项，按项目管理办法实施和验收。"},
        "ip": {"background": "成员加入联盟前的知识产权仍归其享有。", "foreground": "联盟项目产生的知识产权按项目协议约定归属。",
               "free_use_rd_only": True, "revenue": "许可和转让收益按各方贡献比例分配。"},
        "openness": {"new_members": "根据发展需要及时吸收新成员。", "cooperation": "积极开展与外部组织的交流与合作。",
                     "diffusion": "承担政府资助项目形成的成果向联盟外单位扩散。"},
        "dissolution": {"text": "经理事会决定解散的，成立清算组依法清算。"},
        "breach": {"damages": "违约方赔偿给其他成员造成的损失，追回拨付的项目经费。",
                   "confidentiality": "成员退出或被除名后仍负保守联盟技术秘密的义务。"},
        "force_majeure": {"text": "因不可抗力不能履行的，部分或全部免除责任。"},
        "disputes": {"method": "arbitration", "forum": "青岛仲裁委员会"},
        "law": {"text": "本协议适用中华人民共和国法律。"},
        "effect": {"effect": "本协议经各方法定代表人签署并加盖公章后生效。", "term": "五年，期满经各方同意可续签。",
                   "amendment": "对本协议的任何变更须经理事会全体理事一致同意。"},
        "notices": {"text": "以缔约方住所地为送达地址。"},
    }


def _vote_all(ctx, motion) -> None:
    councillors = [ctx.user("chair")] + [ctx.user(f"council-{n}") for n in range(1, 5)]
    for user in councillors:
        governance.vote_cast(actor=user, alliance=ctx.alliance, motion=motion, choice="for")
    governance.motion_close(actor=ctx.user("sec"), alliance=ctx.alliance, motion=motion)


def sign_founding(ctx):
    """The founding version, complete, signed by every party's legal representative."""
    alliance, sec = ctx.alliance, ctx.user("sec")
    if not AgreementVersion.objects.filter(number=1).exists():
        parties = selectors.parties(alliance)
        founding = services.agreement_draft(actor=sec, alliance=alliance, clauses=founding_clauses(alliance, parties))
        services.agreement_open_for_signature(actor=sec, alliance=alliance, version=founding)
        for unit in parties:
            services.agreement_sign(actor=sec, alliance=alliance, version=founding, unit=unit,
                                    signer_name=unit.legal_representative, capacity="legal_representative",
                                    signed_on=max(SIGNED_ON, unit.joined_on or SIGNED_ON))


def load(ctx):
    alliance, sec = ctx.alliance, ctx.user("sec")
    sign_founding(ctx)
    if not AgreementVersion.objects.filter(number=2).exists():
        amendment = services.agreement_draft(
            actor=sec, alliance=alliance, note="增设成果扩散年度报告制度。",
            clauses={"openness": {"diffusion": "承担政府资助项目形成的成果向联盟外单位扩散，秘书处每年报告扩散情况。"}})
        _vote_all(ctx, services.agreement_propose(actor=sec, alliance=alliance, version=amendment,
                                                  closes_at=timezone.now() + timedelta(days=5)))
    if alliance.slug == AWAITING_VOTE and not AgreementVersion.objects.filter(number=3).exists():
        draft = services.agreement_draft(
            actor=sec, alliance=alliance, note="明确争议由联盟常设机构所在地人民法院管辖。",
            clauses={"disputes": {"method": "litigation", "forum": "联盟常设机构所在地人民法院"}})
        services.agreement_propose(actor=sec, alliance=alliance, version=draft, closes_at=timezone.now() + timedelta(days=7))
