"""View-level gates of the recommendation and acceptance pages (django-rules, autodiscovered).

These only open the pages; the engine checks each act again against the proposal (the role
at the right level of the jurisdiction tree), and the selectors list only what the viewer's
department may see.
"""

from __future__ import annotations

import rules

from lianmeng.core.rules import is_competent, is_coordination, is_recommender

rules.add_perm("reviews.review_proposals", is_recommender | is_competent | is_coordination)
rules.add_perm("reviews.accept_proposals", is_competent)
rules.add_perm("reviews.recommendation_tables", is_recommender)
rules.add_perm("reviews.zone_filings", is_competent)
rules.add_perm("reviews.edit_notification_texts", is_competent | is_coordination)
