"""The printed 建议书: every member in the text, fonts embedded, no missing glyph, clean pages."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from lianmeng.documents.pdf import DEFAULT_FONT, FONTS, VersionStamp, render_proposal_pdf

from .sample import sixty_member_document

pytestmark = pytest.mark.skipif(
    not all(shutil.which(t) for t in ("pdftotext", "pdffonts", "pdftoppm")),
    reason="poppler-utils is not installed",
)
CODE = "ABCDEFGHJKMN"


@pytest.fixture(scope="module")
def sixty(tmp_path_factory) -> tuple[dict, Path]:
    document = sixty_member_document()
    stamp = VersionStamp(
        label="第 1 版 · 2020年9月1日 10:00:00 提交",
        code=CODE,
        number=1,
        submitted_at=datetime(2020, 9, 1, 2, 0, tzinfo=UTC),
        sha256="0" * 64,
        verify_url=f"http://lianmeng.example.cn/verify/{CODE}",
    )
    path = tmp_path_factory.mktemp("pdf") / "sixty.pdf"
    path.write_bytes(render_proposal_pdf(document, version=stamp))
    return document, path


def _text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout


def test_every_members_name_is_in_the_text(sixty):
    document, path = sixty
    assert len(document["members"]) == 60
    flat = re.sub(r"\s+", "", _text(path))
    missing = [m["name"] for m in document["members"] if m["name"] not in flat]
    assert missing == []


def test_pages_carry_header_page_numbers_and_the_verification_code(sixty):
    _document, path = sixty
    pages = _text(path).split("\f")[:-1]
    assert len(pages) > 2
    total = len(pages)
    for number, page in enumerate(pages, start=1):
        flat = re.sub(r"\s+", "", page)
        assert f"第{number}页共{total}页" in flat
        assert "ABCD-EFGH-JKMN" in flat
    assert "联盟管理平台生成" in pages[1]
    assert "河南省高性能铝基新材料产业技术创新战略联盟" in pages[1]
    cover = re.sub(r"\s+", "", pages[0])
    for label in ("联盟名称", "牵头单位", "所属领域", "推荐单位", "填报日期", "2020年9月1日"):
        assert label in cover
    assert "☑工业" in cover and "□农业" in cover


def test_the_whole_kpi_table_and_check_boxes_are_printed(sixty):
    _document, path = sixty
    flat = re.sub(r"\s+", "", _text(path))
    for text in (
        "七、联盟2020-2021年预期完成绩效指标",
        "集成电路布图设计",
        "联盟内部标准或规范",
        "科技成果转移转化",
        "申请20项",
        "授权25项",
        "☑3、股份有限公司",
        "☑1、高新技术企业",
        "☑有□无",
        "十一、联盟推荐单位意见",
        "联盟成员单位名单（共60家）",
    ):
        assert text in flat, text


def test_fonts_are_embedded(sixty):
    _document, path = sixty
    out = subprocess.run(
        ["pdffonts", str(path)], capture_output=True, check=True, text=True
    ).stdout.splitlines()[2:]
    assert out, "no fonts listed"
    for line in out:
        emb = line.split()[-5]
        assert emb == "yes", line
    names = " ".join(out)
    assert "UMing" in names or "Noto" in names


def test_no_character_lacks_a_glyph_in_the_chosen_fonts(sixty):
    """Every character printed is in the cmap of a font of the stack (no tofu, no fallback)."""
    from fontTools.ttLib import TTCollection

    _document, path = sixty
    families = re.findall(r'"([^"]+)"', FONTS[DEFAULT_FONT])
    cmaps: list[set[int]] = []
    for family in families:
        file = subprocess.run(
            ["fc-match", "-f", "%{file}", family], capture_output=True, text=True
        ).stdout
        if file.endswith(".ttc"):
            fonts = TTCollection(file, lazy=True).fonts
        else:
            from fontTools.ttLib import TTFont

            fonts = [TTFont(file, lazy=True)]
        for font in fonts:
            cmaps.append(set(font.getBestCmap()))
    covered = set().union(*cmaps)
    text = _text(path)
    missing = sorted(
        {ch for ch in text if ord(ch) > 0x7F and ch.isprintable()} - {chr(c) for c in covered}
    )
    assert missing == []


def test_pages_render_and_are_not_blank(sixty, tmp_path):
    _document, path = sixty
    subprocess.run(
        ["pdftoppm", "-r", "50", "-gray", "-f", "1", "-l", "3", str(path), str(tmp_path / "p")],
        check=True,
    )
    pages = sorted(tmp_path.glob("p-*.pgm"))
    assert len(pages) == 3
    for page in pages:
        data = page.read_bytes()
        # binary PGM: "P5\n<w> <h>\n255\n" then one byte per pixel
        header = data.split(b"\n", 3)
        pixels = header[3]
        dark = sum(1 for b in pixels if b < 96)
        assert dark > 500, f"{page.name} looks blank"
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    assert int(re.search(r"Pages:\s+(\d+)", info).group(1)) > 2


def test_writeups_are_printed_sanitised_and_nothing_is_fetched(tmp_path):
    document = sixty_member_document(extra=0)
    writeups = {
        "feasibility": {
            "1": "<p>铝加工是我省优势产业。</p><script>alert(1)</script>"
            '<img src="http://evil.example/x.png">',
            "2": "<p>主要任务：联合攻关。</p>",
        }
    }
    path = tmp_path / "w.pdf"
    path.write_bytes(render_proposal_pdf(document, writeups=writeups))
    flat = re.sub(r"\s+", "", _text(path))
    assert "一、联盟构建的目的和意义" in flat and "铝加工是我省优势产业。" in flat
    assert "alert(1)" not in flat
    assert "未提交·草稿" in flat
