"""Citations as people read them: 《文件标题》条款, never the seed file name (issue 11)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel

from lianmeng.policy.citation import Citation, cite
from lianmeng.policy.loader import load_profiles

SEED_FILE = re.compile(r"\d{3}_[0-9a-f]{16}\.txt")


def _citations(value):
    if isinstance(value, Citation):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _citations(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _citations(item)
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _citations(getattr(value, name))


@pytest.mark.parametrize("profile_id", sorted(load_profiles()))
def test_every_citation_of_a_profile_reads_as_title_and_article(profile_id):
    profile = load_profiles()[profile_id]
    titles = {d.seed: d.title.value for d in profile.documents if d.seed}
    for citation in _citations(profile):
        text = profile.cite(citation)
        assert not SEED_FILE.search(text)
        assert text == f"《{titles[citation.seed]}》{citation.article}"


def test_luoyang_validity_cites_the_measures_with_its_number():
    luoyang = load_profiles()["luoyang"]
    until = luoyang.validity.valid_until.citation
    assert luoyang.cite(until) == "《洛阳市产业技术创新战略联盟构建和发展实施办法》第二十二条"
    assert luoyang.cite(until, number=True) == (
        "《洛阳市产业技术创新战略联盟构建和发展实施办法》（洛政办〔2018〕54号）第二十二条"
    )


def test_the_api_dict_form_reads_the_same():
    henan = load_profiles()["henan"]
    rule = henan.applied_rules["lead.registered_locally"]
    as_dict = {"seed": rule.citation.seed, "article": rule.citation.article}
    assert henan.cite(as_dict) == henan.cite(rule.citation)
    assert henan.cite(rule.citation).startswith(
        "《关于组织申报2020年河南省产业技术创新战略联盟的通知》"
    )


@given(
    seed=st.from_regex(r"\A\d{3}_[0-9a-f]{16}\.txt\Z"),
    article=st.text(min_size=1, max_size=20).filter(lambda a: not SEED_FILE.search(a)),
)
def test_a_file_the_profile_does_not_name_reads_as_its_article_alone(seed, article):
    henan = load_profiles()["henan"]
    known = {d.seed for d in henan.documents}
    text = cite(Citation(seed=seed, article=article), henan.documents)
    assert text == (henan.cite(Citation(seed=seed, article=article)) if seed in known else article)
    assert seed not in text


def test_pages_read_stored_citations_of_either_form():
    """Deadlines recorded before this change hold ``Citation.label()`` (file name first);
    pages show them by the document's title all the same."""
    from lianmeng.core.names import cite_text, profile_name

    henan = load_profiles()["henan"]
    citation = henan.deadlines.construction_period_months.citation
    human = henan.cite(citation)
    assert cite_text(citation.label(), "henan") == human
    assert cite_text(human, "henan") == human
    assert cite_text({"seed": citation.seed, "article": citation.article}, "henan") == human
    assert cite_text(citation, "atlantis") == citation.article
    assert profile_name("henan") == "河南省" and profile_name("atlantis") == "atlantis"
