"""The personal calendar feed (issue 19 point 5): answered without a session to whoever holds the
secret token (calendar clients cannot log in); the person's page and API give its URL and regenerate it."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django.views.generic import TemplateView
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from governance import calendar


@require_GET
def feed(request, token):
    """The feed of the token's owner; any other token is the site's plain 404 (it says nothing about
    whether the token ever existed). Never cached by a proxy: it is one person's."""
    user = calendar.feed_user(token)
    if user is None:
        raise Http404
    response = HttpResponse(calendar.feed(user), content_type=calendar.ICS)
    response["Cache-Control"] = "private, no-store"
    response["Content-Disposition"] = 'inline; filename="lianmeng.ics"'
    return response


class CalendarPageView(LoginRequiredMixin, TemplateView):
    """The person's feed URLs (HTTPS and webcal://) and a button that replaces the token."""

    template_name = "governance/calendar.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"feed": calendar.feed_urls(self.request.user)}

    def post(self, request):
        calendar.feed_token_regenerate(actor=request.user)
        messages.success(request, _("已生成新的订阅地址，原地址已失效。"))
        return redirect("calendar_page")


FeedUrls = inline_serializer("CalendarFeedUrls", {"url": serializers.URLField(), "webcal": serializers.CharField()})


class MyCalendarView(APIView):
    """GET: the caller's feed URL (HTTPS) and its webcal:// form. POST: a new token (the old URL 404s)."""

    @extend_schema(responses=FeedUrls)
    def get(self, request):
        return Response(calendar.feed_urls(request.user))

    @extend_schema(request=None, responses=FeedUrls)
    def post(self, request):
        calendar.feed_token_regenerate(actor=request.user)
        return Response(calendar.feed_urls(request.user))
