"""Feedback forms and their responses: design, entry, survey-tool imports, summaries.

Confidentiality: a confidential response is only ever shown or exported inside an
aggregate of at least :data:`MIN_GROUP` responses, and its free text never.
"""

from __future__ import annotations

MIN_GROUP = 5


def aggregate_allowed(responses: int, confidential: int) -> bool:
    """Whether an aggregate over ``responses`` (``confidential`` of them confidential) may
    be shown: always without confidential ones, else only for groups of MIN_GROUP or more."""
    return confidential == 0 or responses >= MIN_GROUP
