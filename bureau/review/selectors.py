"""What the alliance reads of its application's staged review: the stage and every opinion given."""

from django_scopes import scopes_disabled

from bureau.review.models import Review


def review_summary(submission) -> dict | None:
    with scopes_disabled():
        review = (Review.objects.filter(submission_id=submission.pk)
                  .select_related("published_list").prefetch_related("opinions__office").first())
    if review is None:
        return None
    listed = review.published_list
    return {
        "stage": review.stage, "stage_label": str(review.get_stage_display()), "round": review.round,
        "recognition_number": review.recognition_number, "confirmed_on": review.confirmed_on,
        "published_list": {"title": listed.title, "number": listed.number, "published_on": listed.published_on}
        if listed else None,
        "filed_on": review.filed_on, "filing_reference": review.filing_reference,
        "opinions": [{"round": o.round, "stage": str(o.get_stage_display()), "office": o.office.name,
                      "outcome": str(o.get_outcome_display()), "opinion": o.opinion, "decided_at": o.decided_at}
                     for o in review.opinions.all()],
    }
