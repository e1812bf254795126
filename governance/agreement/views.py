"""Agreement pages: reading the version in force, a version with its diff and signatures (signing,
opening for signature, proposing to the council), and drafting an amendment."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.dateparse import parse_date
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from alliances import access
from alliances.errors import ServiceError
from alliances.models import Role
from alliances.pages import AlliancePageMixin
from governance.agreement import clauses as c
from governance.agreement import selectors, services
from governance.agreement.models import STATE_LABELS, AgreementSignature, AgreementVersion
from governance.models import MotionKind, Threshold
from membership.models import MemberUnit


def _state_label(version, in_force) -> str:
    state = version.state(in_force)
    return str(STATE_LABELS.get(state) or AgreementVersion.Status(state).label)


class AgreementView(AlliancePageMixin, TemplateView):
    template_name = "governance/agreement/agreement.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        version = selectors.in_force(self.alliance)
        number = version.number if version else None
        versions = list(AgreementVersion.objects.order_by("-number"))
        context.update(version=version, problems=selectors.problems(self.alliance),
                       sections=c.readable(version.clauses, selectors.unit_names(self.alliance)) if version else [],
                       parties=selectors.binding_rows(self.alliance),
                       versions=[(v, _state_label(v, number)) for v in versions],
                       pending=selectors.pending(self.alliance))
        return context


class VersionView(AlliancePageMixin, TemplateView):
    """GET: the version, its changes against the version it amends, its parties. POST `action`:
    open (for signature), propose (to the council), sign."""

    template_name = "governance/agreement/version.html"

    def get_version(self):
        return get_object_or_404(AgreementVersion.objects.select_related("based_on", "motion"), number=self.kwargs["number"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        version = self.get_version()
        names = selectors.unit_names(self.alliance)
        base = version.based_on
        context.update(version=version, state_label=_state_label(version, selectors.in_force_number(self.alliance)),
                       changes=c.diff(base.clauses if base else {}, version.clauses, names),
                       sections=c.readable(version.clauses, names), missing=c.missing(version.clauses),
                       parties=selectors.party_rows(version), capacities=AgreementSignature.Capacity.choices,
                       may_sign=version.status in (AgreementVersion.Status.SIGNING, AgreementVersion.Status.ADOPTED)
                       and bool(self.roles & (access.SECRETARIAT | {Role.REPRESENTATIVE})))
        return context

    def post(self, request, slug, number):
        version, action, data = self.get_version(), request.POST.get("action"), request.POST
        try:
            if action == "open":
                services.agreement_open_for_signature(actor=request.user, alliance=self.alliance, version=version)
                messages.success(request, _("协议已提交各缔约方签署。"))
            elif action == "propose":
                services.agreement_propose(actor=request.user, alliance=self.alliance, version=version)
                messages.success(request, _("修订草案已提交理事会表决。"))
            elif action == "sign":
                unit = MemberUnit.objects.filter(pk=data.get("unit") or 0).first() if (data.get("unit") or "").isdigit() else None
                services.agreement_sign(actor=request.user, alliance=self.alliance, version=version, unit=unit,
                                        signer_name=data.get("signer_name", ""), capacity=data.get("capacity", ""),
                                        signed_on=parse_date(data.get("signed_on") or "") or None,
                                        proxy_letter=request.FILES.get("proxy_letter"))
                messages.success(request, _("签署已记录。"))
        except (ServiceError, ValueError) as error:
            fields = getattr(error, "fields", None) or {}
            messages.error(request, "；".join(str(m) for ms in fields.values() for m in ms) or getattr(error, "message", str(error)))
        return redirect("governance:agreement_version", slug=slug, number=version.number)


class DraftView(AlliancePageMixin, TemplateView):
    """The secretariat drafts the next version: every text clause, the dispute method, the free use
    of IP for alliance R&D, and the threshold of each motion kind (the decision rules)."""

    template_name = "governance/agreement/draft.html"
    page_roles = access.SECRETARIAT
    bureau_reads = False

    def _current(self):
        return selectors.pending(self.alliance) or selectors.in_force(self.alliance)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        current = self._current()
        clauses = current.clauses if current else {}
        rules = c.rules_of(clauses)["thresholds"]
        context.update(
            current=current, thresholds=Threshold.choices, dispute_choices=list(c.DISPUTE_CHOICES.items()),
            kinds=[(k, label, rules.get(k)) for k, label in MotionKind.choices],
            sections=[{"key": key, "title": title, "fields": [
                {"name": f"{key}.{name}", "label": label, "kind": kind, "value": clauses.get(key, {}).get(name)}
                for name, label, kind in fields if kind in (c.TEXT, c.OPTIONAL, c.CHOICE, c.FLAG)]}
                for key, title, fields in c.SECTIONS])
        return context

    def post(self, request, slug):
        current, data = self._current(), request.POST
        clauses = {}
        for key, _title, fields in c.SECTIONS:
            for name, _label, kind in fields:
                field = f"{key}.{name}"
                if kind in (c.TEXT, c.OPTIONAL, c.CHOICE) and field in data:
                    clauses.setdefault(key, {})[name] = data[field].replace("\r\n", "\n").strip()  # browsers send CRLF
                elif kind == c.FLAG:
                    clauses.setdefault(key, {})[name] = field in data
        thresholds = {k: data[f"rule.{k}"] for k in MotionKind.values if data.get(f"rule.{k}")}
        base_rules = c.rules_of(current.clauses if current else {})
        if base_rules["thresholds"] | thresholds != base_rules["thresholds"] or current is None:
            clauses.setdefault("organs", {})["rules"] = {**base_rules, "thresholds": base_rules["thresholds"] | thresholds}
        try:
            effective_on = parse_date(data.get("effective_on") or "") or None
            if current is not None and current.status == AgreementVersion.Status.DRAFT:
                version = services.agreement_draft_update(actor=request.user, alliance=self.alliance, version=current,
                                                          clauses=clauses, note=data.get("note", ""), effective_on=effective_on)
            else:
                version = services.agreement_draft(actor=request.user, alliance=self.alliance, clauses=clauses,
                                                   note=data.get("note", ""), effective_on=effective_on)
        except (ServiceError, ValueError) as error:
            fields = getattr(error, "fields", None) or {}
            messages.error(request, "；".join(f"{k}：{m}" for k, ms in fields.items() for m in ms) or getattr(error, "message", str(error)))
            return redirect("governance:agreement_draft", slug=slug)
        messages.success(request, _("草案已保存。"))
        return redirect("governance:agreement_version", slug=slug, number=version.number)
