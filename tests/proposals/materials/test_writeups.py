"""可行性研究报告与协议书的在线撰写（净化的富文本）与协议书 DOCX 草稿。"""

from __future__ import annotations

import io
import zipfile

import pytest
from docx import Document

from lianmeng.core.errors import Conflict, NotFound
from lianmeng.core.models import AuditEntry
from lianmeng.proposals import writeups
from lianmeng.proposals.models import Proposal

pytestmark = pytest.mark.django_db


def test_script_and_event_attributes_are_stripped(henan_draft, lead_staff):
    dirty = (
        '<p onclick="steal()">联盟<strong>目的</strong><script>alert("x")</script></p>'
        '<img src=x onerror="alert(1)"><a href="javascript:alert(1)">链接</a>'
        '<table><tr><td colspan="2" style="color:red">甲</td></tr></table>'
        "<b>加粗</b><div>段落</div>"
    )
    saved = writeups.writeup_save(
        actor=lead_staff(henan_draft),
        pk=henan_draft.pk,
        part="feasibility",
        section="1",
        html=dirty,
    )
    html = Proposal.objects.get(pk=henan_draft.pk).writeups["feasibility"]["1"]
    assert html == saved.html
    for gone in ("script", "alert", "onclick", "onerror", "<img", "javascript", "style", "href"):
        assert gone not in html
    assert "<p>联盟<strong>目的</strong></p>" in html
    assert '<td colspan="2">甲</td>' in html
    assert "<strong>加粗</strong>" in html and "<p>段落</p>" in html


def test_plain_text_becomes_paragraphs_and_sections_save_separately(henan_draft, lead_staff):
    user = lead_staff(henan_draft)
    writeups.writeup_save(
        actor=user, pk=henan_draft.pk, part="feasibility", section="1", html="第一段\n第二段 <3"
    )
    writeups.writeup_save(
        actor=user, pk=henan_draft.pk, part="agreement", section="4.2", html="任务分工"
    )
    saved = Proposal.objects.get(pk=henan_draft.pk).writeups
    assert saved["feasibility"]["1"] == "<p>第一段</p><p>第二段 &lt;3</p>"
    assert saved["agreement"]["4.2"] == "<p>任务分工</p>"
    entry = AuditEntry.objects.filter(action="lianmeng.proposal.writeup.saved").first()
    assert entry.summary["after"]["part"] in {"feasibility", "agreement"}
    with pytest.raises(NotFound):
        writeups.writeup_save(
            actor=user, pk=henan_draft.pk, part="feasibility", section="9", html="x"
        )


def test_a_colleagues_save_of_the_same_section_is_not_overwritten(henan_draft, lead_staff):
    first, second = lead_staff(henan_draft), lead_staff(henan_draft)
    base = writeups.digest("")
    writeups.writeup_save(
        actor=first, pk=henan_draft.pk, part="feasibility", section="3", html="甲写的", base=base
    )
    with pytest.raises(Conflict) as refused:
        writeups.writeup_save(
            actor=second,
            pk=henan_draft.pk,
            part="feasibility",
            section="3",
            html="乙写的",
            base=base,
        )
    assert refused.value.details["current"] == "<p>甲写的</p>"
    # another section by the second person with its own base is fine
    writeups.writeup_save(
        actor=second, pk=henan_draft.pk, part="feasibility", section="4", html="乙写的", base=base
    )


def test_a_feasibility_report_written_in_full_counts_as_the_material(henan_draft, lead_staff):
    user = lead_staff(henan_draft)
    for section in writeups.FEASIBILITY:
        if not section.optional:
            writeups.writeup_save(
                actor=user,
                pk=henan_draft.pk,
                part="feasibility",
                section=section.key,
                html=f"{section.title}的内容",
            )
    entries = Proposal.objects.get(pk=henan_draft.pk).document["materials"]
    assert [e["kind"] for e in entries] == ["feasibility_report"]
    assert entries[0]["title"].endswith("（在线填写）")
    writeups.writeup_save(actor=user, pk=henan_draft.pk, part="feasibility", section="2", html="")
    assert Proposal.objects.get(pk=henan_draft.pk).document["materials"] == []


def test_writeups_page_shows_the_outline_and_keeps_text_on_conflict(
    henan_draft, lead_staff, client
):
    client.force_login(lead_staff(henan_draft))
    url = f"/proposals/{henan_draft.pk}/edit/writeups/feasibility/"
    page = client.get(url).content.decode()
    assert "一、联盟构建的目的和意义" in page and "七、其他相关附件" in page
    assert "阐述本产业的国内外发展现状" in page
    response = client.post(
        url, {"section": "1", "html": "<p>第一节</p>", "base": writeups.digest("")}
    )
    assert response.status_code == 302
    response = client.post(
        url, {"section": "1", "html": "<p>我的版本</p>", "base": writeups.digest("")}
    )
    page = response.content.decode()
    assert "已被同事修改" in page and "我的版本" in page and "第一节" in page
    agreement = client.get(f"/proposals/{henan_draft.pk}/edit/writeups/agreement/").content.decode()
    assert "（十一）联盟成员认为应当在章程(协议)中约定的其他事项" in agreement
    assert "六、结尾" in agreement


def _docx_text(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def test_agreement_docx_lists_every_member_with_signing_cells_and_chinese_fonts(
    henan_draft, lead_staff, client
):
    writeups.writeup_save(
        actor=lead_staff(henan_draft), pk=henan_draft.pk, part="agreement", section="4.2",
        html="<p>各成员单位<strong>分工协作</strong></p><ul><li>牵头单位负责组织</li></ul>",
    )  # fmt: skip
    content = writeups.agreement_docx(Proposal.objects.get(pk=henan_draft.pk))
    text = _docx_text(content)
    for member in henan_draft.document["members"]:
        assert member["name"] in text
        assert member["uscc"] in text
    assert "河南省高性能铝基新材料产业技术创新战略联盟协议书" in text
    assert "签字（盖章）" in text and "签署页" in text
    assert "（二）联盟的技术创新目标、任务和联盟成员的任务分工" in text
    assert "各成员单位分工协作" in text and "• 牵头单位负责组织" in text
    signing = Document(io.BytesIO(content)).tables[-1]
    assert [c.text for c in signing.rows[0].cells] == [
        "序号", "单位名称", "统一社会信用代码", "法定代表人", "签字（盖章）",
    ]  # fmt: skip
    assert len(signing.rows) == 1 + len(henan_draft.document["members"])
    assert all(row.cells[4].text == "" for row in signing.rows[1:])

    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        body = archive.read("word/document.xml").decode()
        styles = archive.read("word/styles.xml").decode()
        fonts = archive.read("word/fontTable.xml").decode()
    assert 'w:eastAsia="宋体"' in body and 'w:eastAsia="黑体"' in body
    assert 'w:eastAsia="宋体"' in styles
    assert "eastAsiaTheme" not in body
    assert 'w:altName w:val="SimSun"' in fonts

    client.force_login(lead_staff(henan_draft))
    response = client.get(f"/proposals/{henan_draft.pk}/edit/writeups/agreement/docx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml"
    )
    assert "attachment" in response["Content-Disposition"]


def test_api_saves_a_section_and_serves_the_docx(henan_draft, lead_staff, client):
    from lianmeng.core.tokens import token_create
    from tests.api.conftest import assert_error, bearer

    headers = bearer(token_create(actor=lead_staff(henan_draft), name="t")[1])
    url = f"/api/v1/proposals/{henan_draft.pk}/writeups/feasibility/1"
    response = client.put(
        url, {"html": "<p onclick='x()'>目的</p><script>1</script>", "base": writeups.digest("")},
        content_type="application/json", headers=headers,
    )  # fmt: skip
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["html"] == "<p>目的</p>" and body["changed"]
    stale = client.put(
        url, {"html": "别的", "base": writeups.digest("")},
        content_type="application/json", headers=headers,
    )  # fmt: skip
    assert_error(stale, 409, "conflict")
    docx = client.get(f"/api/v1/proposals/{henan_draft.pk}/agreement.docx", headers=headers)
    assert docx.status_code == 200 and docx.content[:2] == b"PK"
