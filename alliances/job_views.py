"""The pages of long jobs (alliances/jobs.py): a job's progress page, the JSON it polls, its file, and
the secretariat's list of recent jobs with their errors."""

from django.http import Http404, JsonResponse
from django.views import View
from django.views.generic import TemplateView

from alliances import access, jobs, uploads
from alliances.models import Job
from alliances.pages import AlliancePageMixin


class JobListView(AlliancePageMixin, TemplateView):
    """The secretariat's recent jobs: what ran, for whom, and why a failed one failed."""

    template_name = "alliances/jobs.html"
    page_roles = access.SECRETARIAT
    bureau_reads = False

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = list(Job.objects.select_related("requested_by")[:100])
        context["jobs"] = [(job, jobs.label(job)) for job in rows]
        return context


class JobView(AlliancePageMixin, TemplateView):
    """One job's progress bar (static/lianmeng/jobs.js polls the status) and its file when ready."""

    template_name = "alliances/job.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        job = jobs.visible(self.request.user, self.alliance, self.kwargs["pk"])
        context.update(job=job, status=jobs.status_of(job))
        return context


class JobStatusView(AlliancePageMixin, View):
    def get(self, request, slug, pk):
        return JsonResponse(jobs.status_of(jobs.visible(request.user, self.alliance, pk)))


class JobFileView(AlliancePageMixin, View):
    accepts_api_token = True  # the API's job answer links here

    def get(self, request, slug, pk):
        job = jobs.visible(request.user, self.alliance, pk)
        if job.status != Job.Status.DONE or not job.result:
            raise Http404
        return uploads.download(job.result, job.result_name)
