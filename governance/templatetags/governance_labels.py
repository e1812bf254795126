"""Labels, never codes: a motion's threshold in words and a ballot's choice by its label."""

from django import template

from governance.models import Choice, Motion, MotionKind, threshold_words as _threshold_words

register = template.Library()


@register.filter
def threshold_words(rule):
    return _threshold_words(rule)


@register.filter
def choice_label(value):
    return Choice(value).label if value in Choice.values else value


@register.filter
def motion_kind_label(value):
    return MotionKind(value).label if value in MotionKind.values else value


@register.filter
def result_label(value):
    return Motion.Result(value).label if value in Motion.Result.values else value
