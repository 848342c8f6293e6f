"""Tags for status and RAG rating: always the word, with the colour as a second cue (never alone)."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from rollcall.actionplans.selectors import RAG_LABELS, STATUS_LABELS
from rollcall.rules import actionplans as rules

register = template.Library()

STATUS_COLOURS = {
    rules.COMPLETE: "turquoise",
    rules.IN_PROGRESS: "light-blue",
    rules.NOT_STARTED: "grey",
    rules.NOT_STATED: "yellow",
}
RAG_COLOURS = {rules.RED: "red", rules.AMBER: "orange", rules.GREEN: "green", rules.NOT_RATED: "grey"}


@register.filter
def status_tag(status: str) -> SafeString:
    return format_html(
        '<strong class="govuk-tag govuk-tag--{}" data-status="{}">{}</strong>',
        STATUS_COLOURS.get(status, "grey"),
        status,
        STATUS_LABELS.get(status, status),
    )


@register.filter
def rag_tag(rag: str) -> SafeString:
    return format_html(
        '<strong class="govuk-tag govuk-tag--{}" data-rag="{}">{}</strong>',
        RAG_COLOURS.get(rag, "grey"),
        rag or "not_rated",
        RAG_LABELS.get(rag, rag),
    )


@register.filter
def lookup(mapping: dict[object, object], key: object) -> object:
    return mapping.get(key, "")
