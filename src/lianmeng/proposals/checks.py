"""已有联盟与在审申报：供 ``alliance.unique_in_field``（seed 001 二(一)2(3)）比对。

The policy engine is pure Python and knows no database; this module is the provider it is
given. It lists the proposals filed under the same policy profile (so, of the same
jurisdiction and level) that are still in play: submitted and beyond, not withdrawn.

Drafts are left out on purpose: a draft is private to its applicant until submitted, and the
check endpoint is public, so comparing with drafts would tell anyone what others are writing.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.db import connection
from django.db.models import QuerySet

from lianmeng.policy.results import ExistingAlliance
from lianmeng.policy.similarity import alliance_core, normalise

from .existing import existing_alliance_candidates, existing_alliance_rows
from .models import Proposal

#: statuses that do not count as an existing or pending alliance
NOT_IN_PLAY = (Proposal.Status.DRAFT, Proposal.Status.WITHDRAWN, "refused", "declined")


#: 汉字 (CJK unified ideographs and extension A): the characters of a "regular" text, whose
#: pairs are all tokens of ``lianmeng_cjk_vector`` (lianmeng.core.textsearch)
_CJK = "\u3400-\u4dbf\u4e00-\u9fff"


#: texts the duplicate index cannot answer for: any character other than a 汉字 (Latin letters,
#: digits, spaces, punctuation, compatibility forms that NFKC changes: the pairs the comparison
#: sees may then not be tokens), or a name with 联盟 before its end (``alliance_core`` removes
#: the generic words wherever they are, joining what was around them). The partial index
#: ``proposals_dup_irregular`` (migration 0004) holds exactly these rows.
def irregular_sql(table: str) -> str:
    """The condition on the rows of ``table`` (with ``name``, ``industry`` and ``product``
    columns) that the duplicate index cannot answer for (see above)."""
    cjk = "[^\\u3400-\\u4dbf\\u4e00-\\u9fff]"
    return (
        f'("{table}"."name" ~ \'{cjk}\' '
        f'OR "{table}"."industry" ~ \'{cjk}\' '
        f'OR "{table}"."product" ~ \'{cjk}\' '
        f'OR strpos(left("{table}"."name", -1), \'联盟\') > 0)'
    )


IRREGULAR_SQL = irregular_sql("proposals_proposal")
_COLUMNS = ("name", "industry", "product")


def _is_cjk(text: str) -> bool:
    return all("\u3400" <= ch <= "\u4dbf" or "\u4e00" <= ch <= "\u9fff" for ch in text)


def _alternatives(text: str) -> list[str]:
    """tsquery alternatives of which every text similar to ``text`` (normalised) at the rule's
    threshold holds at least one among its tokens (``lianmeng.policy.similarity``):

    - equal texts and containment share every pair of the shorter one, and a bigram Dice
      above zero needs a shared pair: the pairs of ``text``;
    - the Indel ratio is 2·LCS/(len a + len b); with no shared pair the common subsequence has
      a gap in one text after each of its characters, so the ratio is at most 2k/(3k − 1),
      which reaches 80 only for k = 2 and lengths 2 and 3: "ac" against "abc" (its pair of
      first and last character) and "ab" against "axb" (both characters);
    - a one-character text equals only itself.
    """
    pieces: list[tuple[str, ...]] = []
    if len(text) == 1:
        pieces.append((text,))
    pieces += [(text[i : i + 2],) for i in range(len(text) - 1)]
    if len(text) == 3:
        pieces.append((text[0] + text[2],))
    if len(text) == 2:
        pieces.append((text[0], text[1]))
    found: dict[str, None] = {}
    for tokens in pieces:
        if all(_is_cjk(token) for token in tokens):  # no other token is ever indexed
            found[" & ".join(f"'{token}'" for token in tokens).join("()")] = None
    return list(found)


def _candidate_where(
    profile_id: str, facts: Mapping[str, str], table: str = "proposals_proposal"
) -> tuple[list[str], list[str]]:
    """SQL conditions (one per compared column) that keep every row of ``table`` the rule could
    find similar to ``facts``, answered by the GIN indexes on ``lianmeng_cjk_vector(column)``."""
    from lianmeng.policy.loader import UnknownProfileError, get_profile

    try:
        name = get_profile(profile_id).name.value
        regions: tuple[str, ...] = (name, name[:-1])
    except UnknownProfileError:
        regions = ()
    mine = {
        "name": normalise(alliance_core(facts["name"], regions)) if facts.get("name") else "",
        "industry": normalise(facts.get("industry") or ""),
        "product": normalise(facts.get("product") or ""),
    }
    where, params = [], []
    for column in _COLUMNS:
        alternatives = _alternatives(mine[column])
        if alternatives:
            where.append(f'lianmeng_cjk_vector("{table}"."{column}") @@ %s::tsquery')
            params.append(" | ".join(alternatives))
    return where, params


def similar_candidates(
    rows: QuerySet[Any], profile_id: str, facts: Mapping[str, str], table: str
) -> QuerySet[Any]:
    """``rows`` (of ``table``: the proposals, or an alliance source with the same indexes and a
    ``profile`` column) narrowed to those the rule could find similar to ``facts``, in one
    query (PostgreSQL only). Each condition is its own ``SELECT`` of a UNION, so that each is
    answered by its index: OR-ed in one WHERE, the planner computes every row's vectors."""
    where, params = _candidate_where(profile_id, facts, table)
    selects, values = [], []
    for clause, param in [*zip(where, params, strict=True), (irregular_sql(table), None)]:
        # constant SQL; the profile and the tsquery (汉字 only, quoted) are parameters
        selects.append(f'SELECT "id" FROM "{table}" WHERE "{table}"."profile" = %s AND {clause}')  # noqa: S608  # nosec B608
        values += [profile_id] if param is None else [profile_id, param]
    condition = f'"{table}"."id" IN ({" UNION ".join(selects)})'
    return rows.extra(where=[condition], params=values)  # noqa: S610  # nosec B610 (constant SQL; values are parameters)


class Compared(list):  # type: ignore[type-arg]
    """The alliances to compare with, when fewer than all were read: ``compared_with`` is how
    many there are (what ``alliance.unique_in_field`` reports), the list holds those that
    could be similar."""

    compared_with: int = 0


def _existing(row: dict[str, Any], reference: str) -> ExistingAlliance:
    return ExistingAlliance(
        name=row["name"],
        industry=row["industry"] or None,
        product=row["product"] or None,
        focus_area=row["focus_area"] or None,
        status=row["status"],
        reference=reference,
    )


def existing_alliances(
    profile_id: str,
    *,
    exclude_lead: str | None = None,
    exclude_name: str | None = None,
    exclude_pk: int | None = None,
    facts: Mapping[str, str] | None = None,
) -> list[ExistingAlliance]:
    """Alliances and pending proposals of ``profile_id``, oldest first (then the alliances of
    the legacy registry, imported with ``lianmeng alliance import``).

    The proposal being checked is left out: by ``exclude_pk`` when it is stored, else by
    its lead unit's code and name together (a stored proposal re-checked from its export).

    With ``facts`` (the ``name``, ``industry`` and ``product`` of the proposal being checked)
    on PostgreSQL, only the proposals that can be similar to it are read, through the GIN
    indexes on their names, industries and products (migration 0004), and the answer is a
    :class:`Compared` that says how many there are: ``alliance.unique_in_field`` finds the
    same ones as when comparing with all (tests/proposals/form/test_checks.py).
    """
    in_play = Proposal.objects.filter(profile=profile_id).exclude(status__in=NOT_IN_PLAY)
    rows = in_play
    found: list[ExistingAlliance] = []
    if facts is not None and connection.vendor == "postgresql":
        rows = similar_candidates(in_play, profile_id, facts, "proposals_proposal")
        found = Compared()
        found.compared_with = in_play.count() - (
            1 if exclude_pk is not None and in_play.filter(pk=exclude_pk).exists() else 0
        )
    columns = ("id", "name", "industry", "product", "focus_area", "status")
    rows = rows.order_by("created_at", "id").values_list(
        *columns, "lead_unit__uscc", "lead_unit__org_code"
    )
    left_out = 0
    for *values, uscc, org_code in rows:
        row = dict(zip(columns, values, strict=True))
        if exclude_pk is not None and row["id"] == exclude_pk:
            continue
        if exclude_lead and exclude_lead in {uscc, org_code} and row["name"] == exclude_name:
            left_out += 1
            continue
        found.append(_existing(row, f"proposal:{row['id']}"))
    # alliances of the registered sources: those decided before the system, imported with
    # `lianmeng alliance import` (registered by the alliances app); with the facts on
    # PostgreSQL, those that can be similar and how many there are
    if isinstance(found, Compared):
        rows_of, total = existing_alliance_candidates(profile_id, facts or {})
        found.compared_with += total - left_out
    else:
        rows_of = existing_alliance_rows(profile_id)
    found += [_existing(row, row["reference"]) for row in rows_of]
    return found


def proposal_eligibility(proposal: Proposal, *, at: datetime | None = None) -> dict[str, Any]:
    """The eligibility findings for a stored proposal, as `lianmeng check` gives them.

    A draft that is not yet a complete interchange document cannot be judged; then the answer
    says which field to fill first: ``{"complete": False, "path": …, "message": …}``.
    Otherwise ``{"complete": True, "profile", "eligible", "findings"}`` compared with the other
    alliances and pending proposals of the profile (this one left out).
    """
    from lianmeng.policy.interchange import InterchangeError, parse_proposal
    from lianmeng.policy.loader import get_profile
    from lianmeng.policy.rules import check

    if at is None and proposal.status in Proposal.EDITABLE:
        from lianmeng.core import clock

        at = clock.now()  # a draft is judged as if submitted now, not at an old imported date
    try:
        doc = parse_proposal(proposal.document)
    except InterchangeError as exc:
        return {"complete": False, "path": exc.path, "message": exc.message}
    profile = get_profile(proposal.profile)
    existing = existing_alliances(
        proposal.profile, exclude_pk=proposal.pk, facts=_facts(proposal.document)
    )
    call = proposal_call_terms(proposal)
    result = check(doc, profile, at=at, existing=existing, **({"call": call} if call else {}))
    return {"complete": True, **result.to_dict()}


def _facts(document: Mapping[str, Any] | None) -> dict[str, str]:
    """The compared facts of an interchange document (``existing_alliances(facts=…)``)."""
    document = document or {}
    return {key: str(document.get(key) or "") for key in _COLUMNS}


def proposal_call_terms(proposal: Proposal) -> Any:
    """The call's window and areas as the policy engine reads them, or None (profile's own)."""
    if proposal.call_id is None:
        return None
    from lianmeng.calls.terms import call_terms  # written with the calls module

    return call_terms(proposal.call)
