"""可行性研究报告与联盟协议书的在线撰写，及协议书 DOCX 草稿（M-13）。

The outlines are those of seed 001: 附件2 (可行性研究报告编写提纲, seven sections) and 附件4
(协议书编写参考: 标题, 序文, 定义, 主文 (一)–(十一), 附件, 结尾). Each section is stored as
sanitised HTML in ``proposal.writeups[part][section]`` and saved on its own, so colleagues
writing different sections do not overwrite each other.
"""

from __future__ import annotations

import hashlib
import html as html_lib
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

import nh3
from django.db import transaction
from django.utils.translation import gettext as _

from lianmeng.core.errors import Conflict, NotFound, ValidationFailed
from lianmeng.core.models import User

from .editing import document_saved, lock_for_edit
from .models import Proposal


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    guidance: str = ""
    optional: bool = False


FEASIBILITY: tuple[Section, ...] = (
    Section(
        "1",
        "一、联盟构建的目的和意义",
        "阐述本产业的国内外发展现状、存在的主要问题、近期发展趋势，我省相关产业发展情况，"
        "及构建联盟对产业发展的重要作用。",
    ),
    Section(
        "2",
        "二、主要任务和目标",
        "（一）主要任务：1. 创新活动情况。包括履行合作协议、承担科技计划项目、开展合作创新、"
        "参与产学研合作及公共平台建设等情况；2. 创新绩效情况。包括掌握核心技术、形成技术标准、"
        "获得知识产权、提升经济社会效益等情况；3. 服务产业情况。包括制定产业规划、提供行业服务、"
        "开展科技成果转移转化、人才培养及引进、组织技术交流和技术服务活动等情况；4. 运行管理，"
        "包括组织机构运行、管理制度执行等情况；5. 利益保障，包括反映成员需求、保障成员利益等情况。\n"
        "（二）预期目标：投入经费、投入人员、取得核心技术突破、形成自主知识产权和技术标准、"
        "合作创新项目、人才引进及培养、科技成果转移转化，项目获奖，研发平台建设等主要指标。",
    ),
    Section(
        "3",
        "三、现有工作基础、条件和优势",
        "联盟已开展的前期工作：主要成员单位在技术、设备、人才和资金等方面具备的条件和优势。"
        "联盟成员之间的技术创新目标和任务分工；联盟的组织机构及职责，联盟的经费管理。",
    ),
    Section("4", "四、联盟组成状况", "联盟牵头单位、主要组成单位主要概况。"),
    Section("5", "五、拟合作开展科技创新的工作任务及分工"),
    Section(
        "6",
        "六、预期效果和风险分析",
        "构建联盟预期的经济效益和产业化前景，可能的技术风险及市场风险。",
    ),
    Section(
        "7", "七、其他相关附件", "可列出随报告附送的材料；附件文件请在“申报材料附件”中上传。", True
    ),
)

_MAIN_ARTICLES = (
    "（一）联盟名称、组织原则和组建宗旨",
    "（二）联盟的技术创新目标、任务和联盟成员的任务分工",
    "（三）联盟的组织机构及职责",
    "（四）联盟成员",
    "（五）联盟的项目管理",
    "（六）联盟的经费管理",
    "（七）联盟收益分配原则和知识产权管理",
    "（八）联盟的解散和清算",
    "（九）违约责任",
    "（十）一般格式内容",
    "（十一）联盟成员认为应当在章程(协议)中约定的其他事项",
)

AGREEMENT: tuple[Section, ...] = (
    Section(
        "1",
        "一、标题",
        "协议书的标题，如“河南省××产业技术创新战略联盟协议书”。不填时按联盟名称生成。",
        True,
    ),
    Section(
        "2",
        "二、序文",
        "（一）缔约方基本信息（系统按成员单位名单自动列出各缔约方）；（二）鉴于条款：说明订立协议的背景和目的。",
    ),
    Section("3", "三、定义部分", "视联盟具体情况制定，可省略。", True),
    *(
        Section(f"4.{number}", f"四、主文 {title}", "")
        for number, title in enumerate(_MAIN_ARTICLES, start=1)
    ),
    Section("5", "五、附件", "视联盟具体情况制定，可省略。", True),
    Section("6", "六、结尾", "协议生效、份数及签署等约定；签署页由系统按成员单位名单生成。"),
)

PARTS: dict[str, tuple[str, tuple[Section, ...]]] = {
    "feasibility": ("可行性研究报告", FEASIBILITY),
    "agreement": ("联盟协议书", AGREEMENT),
}
#: the material kind each part stands for when uploaded instead
PART_MATERIAL = {"feasibility": "feasibility_report", "agreement": "agreement"}
MAX_SECTION_CHARS = 60_000

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "u", "ol", "ul", "li", "h3", "h4",
    "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"}}
#: what browsers' editing commands produce, mapped to the tags kept
_RENAME = (("b", "strong"), ("i", "em"), ("div", "p"), ("h1", "h3"), ("h2", "h3"), ("h5", "h4"))
_TAG = re.compile(r"<\s*/?\s*[a-zA-Z][^>]*>")


def sections_of(part: str) -> tuple[Section, ...]:
    if part not in PARTS:
        raise NotFound(_("没有这一部分。"))
    return PARTS[part][1]


def section_of(part: str, key: str) -> Section:
    for section in sections_of(part):
        if section.key == key:
            return section
    raise NotFound(_("没有这一节。"))


def sanitise(text: str) -> str:
    """Limited rich text: the tags of ALLOWED_TAGS, no attributes but colspan/rowspan.

    Text without any tag (typed into the plain text box) becomes paragraphs, one per line.
    """
    text = (text or "").replace("\r\n", "\n").strip()
    if not text:
        return ""
    if not _TAG.search(text):
        paragraphs = [p.strip() for p in text.split("\n")]
        return "".join(f"<p>{html_lib.escape(p, quote=False)}</p>" for p in paragraphs if p)
    for old, new in _RENAME:
        text = re.sub(rf"<(/?)\s*{old}(\s[^>]*)?>", rf"<\1{new}>", text, flags=re.IGNORECASE)
    cleaned = nh3.clean(
        text,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        clean_content_tags={"script", "style", "template", "iframe", "object", "noscript"},
        strip_comments=True,
        link_rel=None,
    )
    return _paragraphs(cleaned)


_BLOCKS = {"p", "ul", "ol", "h3", "h4", "table"}
_VOID = {"br"}


class _Paragraphs(HTMLParser):
    """Re-serialise sanitised HTML with loose top-level text (and inline tags) put into
    paragraphs, as the editing box leaves the first line of an empty box unwrapped."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.depth = 0
        self.open_p = False

    def _loose(self) -> None:
        if self.depth == 0 and not self.open_p:
            self.out.append("<p>")
            self.open_p = True

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCKS:
            if self.depth == 0 and self.open_p:
                self.out.append("</p>")
                self.open_p = False
            self.depth += 1
        elif self.depth == 0:
            self._loose()
        shown = "".join(f' {k}="{html_lib.escape(v or "")}"' for k, v in attrs)
        self.out.append(f"<{tag}{shown}>")

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID:
            return
        self.out.append(f"</{tag}>")
        if tag in _BLOCKS and self.depth:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth == 0 and not self.open_p and not data.strip():
            return
        if self.depth == 0:
            self._loose()
        self.out.append(html_lib.escape(data, quote=False))

    def result(self) -> str:
        if self.open_p:
            self.out.append("</p>")
            self.open_p = False
        return "".join(self.out)


def _paragraphs(fragment: str) -> str:
    parser = _Paragraphs()
    parser.feed(fragment)
    parser.close()
    text = parser.result()
    return re.sub(r"<p>(\s|<br>)*</p>", "", text).strip()


def plain_text(fragment: str) -> str:
    return html_lib.unescape(_TAG.sub("", fragment or "")).strip()


def digest(fragment: str) -> str:
    """The version a form was rendered from (to notice a colleague's save in between)."""
    return hashlib.sha256((fragment or "").encode("utf-8")).hexdigest()[:16]


def section_text(proposal: Proposal, part: str, key: str) -> str:
    return ((proposal.writeups or {}).get(part) or {}).get(key, "")


def feasibility_complete(writeups: Mapping[str, Any]) -> bool:
    written = writeups.get("feasibility") or {}
    return all(plain_text(written.get(s.key, "")) for s in FEASIBILITY if not s.optional)


def _sync_online_report(proposal: Proposal) -> None:
    """A report written online in full counts as the 可行性研究报告 material; the entry goes
    when a required section is emptied again."""
    from .materials import ONLINE_FILE, kind_title

    entries = [
        e
        for e in (proposal.document.get("materials") or [])
        if not (e.get("kind") == "feasibility_report" and e.get("file") == ONLINE_FILE)
    ]
    if feasibility_complete(proposal.writeups or {}):
        title = kind_title(proposal, "feasibility_report")
        entries.append(
            {"kind": "feasibility_report", "title": f"{title}（在线填写）", "file": ONLINE_FILE}
        )
    if entries or proposal.document.get("materials") is not None:
        proposal.document["materials"] = entries


@dataclass
class WriteupSaved:
    proposal: Proposal
    html: str
    changed: bool


def writeup_save(
    *, actor: User, pk: int, part: str, section: str, html: str, base: str | None = None
) -> WriteupSaved:
    """Save one section as sanitised HTML.

    ``base`` is ``digest`` of the section as the writer's form showed it; if a colleague has
    saved this section since, the save is refused (Conflict) and the writer's text is kept in
    the form to merge by hand.
    """
    section_of(part, section)
    cleaned = sanitise(html)
    if len(cleaned) > MAX_SECTION_CHARS:
        raise ValidationFailed(
            _("本节内容过长（%(length)s 字符，上限 %(max)s）。请精简，或将详细内容作为附件上传。")
            % {"length": len(cleaned), "max": MAX_SECTION_CHARS}
        )
    with transaction.atomic():
        proposal = lock_for_edit(actor=actor, pk=pk)
        current = section_text(proposal, part, section)
        if base is not None and base != digest(current):
            raise Conflict(
                _(
                    "这一节已被同事修改并保存。请对照下方同事保存的内容，合并后再保存"
                    "（您填写的内容仍在编辑框中）。"
                ),
                details={"current": current, "base": digest(current)},
            )
        if cleaned == current:
            return WriteupSaved(proposal, cleaned, False)
        writeups = dict(proposal.writeups or {})
        texts = dict(writeups.get(part) or {})
        if cleaned:
            texts[section] = cleaned
        else:
            texts.pop(section, None)
        writeups[part] = texts
        proposal.writeups = writeups
        if part == "feasibility":
            _sync_online_report(proposal)
        document_saved(
            actor=actor,
            proposal=proposal,
            action="lianmeng.proposal.writeup.saved",
            before={"part": part, "section": section, "chars": len(plain_text(current))},
            after={"part": part, "section": section, "chars": len(plain_text(cleaned))},
        )
        return WriteupSaved(proposal, cleaned, True)


# -- the agreement as a DOCX draft -----------------------------------------------------------

SONG = "宋体"
HEI = "黑体"
#: font names Word and LibreOffice fall back to when 宋体/黑体 are not installed
_FONT_TABLE = {SONG: ("SimSun", "02010600030101010101"), HEI: ("SimHei", "02010609060101010101")}


def _w(tag: str) -> str:
    from docx.oxml.ns import qn

    return qn(f"w:{tag}")


def _set_fonts(rpr: Any, east_asia: str, latin: str = "Times New Roman") -> None:
    """Set the run fonts (eastAsia for 汉字) and drop theme fonts that would override them."""
    from docx.oxml import OxmlElement

    fonts = rpr.find(_w("rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        fonts.attrib.pop(_w(attr), None)
    fonts.set(_w("ascii"), latin)
    fonts.set(_w("hAnsi"), latin)
    fonts.set(_w("eastAsia"), east_asia)
    fonts.set(_w("cs"), latin)
    fonts.set(_w("hint"), "eastAsia")


def _style_fonts(document: Any) -> None:
    from docx.shared import Pt, RGBColor

    styles_root = document.styles.element
    defaults = styles_root.find(_w("docDefaults"))
    if defaults is not None:
        rpr = defaults.find(f"{_w('rPrDefault')}/{_w('rPr')}")
        if rpr is not None:
            _set_fonts(rpr, SONG)
    for style in document.styles:
        if getattr(style, "font", None) is None:
            continue
        heading = style.name.startswith(("Heading", "Title"))
        _set_fonts(style.element.get_or_add_rPr(), HEI if heading else SONG)
        if heading:
            style.font.color.rgb = RGBColor(0, 0, 0)
    normal = document.styles["Normal"]
    normal.font.size = Pt(12)
    for name, size in (("Title", 22), ("Heading 1", 16), ("Heading 2", 14), ("Heading 3", 12)):
        document.styles[name].font.size = Pt(size)


def _font_table(document: Any) -> None:
    """Declare 宋体 and 黑体 with their alternative names in word/fontTable.xml."""
    from lxml import etree

    part = next(
        (p for p in document.part.package.iter_parts() if p.partname == "/word/fontTable.xml"),
        None,
    )
    if part is None:
        return
    root = etree.fromstring(part.blob)  # noqa: S320 - python-docx's own template
    for name, (alt, panose) in _FONT_TABLE.items():
        font = etree.SubElement(root, _w("font"))
        font.set(_w("name"), name)
        for tag, value in (
            ("altName", alt),
            ("panose1", panose),
            ("charset", "86"),
            ("family", "auto"),
            ("pitch", "variable"),
        ):
            etree.SubElement(font, _w(tag)).set(_w("val"), value)
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _run(paragraph: Any, text: str, *, bold: bool = False, italic: bool = False,
         underline: bool = False, size: float | None = None, east_asia: str = SONG) -> Any:  # fmt: skip
    from docx.shared import Pt

    run = paragraph.add_run(text)
    run.bold = bold or None
    run.italic = italic or None
    run.underline = underline or None
    if size:
        run.font.size = Pt(size)
    _set_fonts(run._element.get_or_add_rPr(), east_asia)
    return run


class _HtmlToDocx(HTMLParser):
    """The sanitised subset of HTML (ALLOWED_TAGS) as Word paragraphs, lists and tables."""

    def __init__(self, document: Any) -> None:
        super().__init__(convert_charrefs=True)
        self.doc = document
        self.paragraph: Any = None
        self.marks: dict[str, int] = {"strong": 0, "em": 0, "u": 0}
        self.lists: list[list[Any]] = []  # [tag, counter]
        self.heading = 0
        self.table: list[list[str]] | None = None
        self.cell: list[str] | None = None

    def _new_paragraph(self, style: str | None = None) -> Any:
        self.paragraph = self.doc.add_paragraph(style=style)
        return self.paragraph

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.table is not None:
            if tag == "tr":
                self.table.append([])
            elif tag in {"td", "th"}:
                self.cell = []
            elif tag == "br" and self.cell is not None:
                self.cell.append("\n")
            return
        if tag == "p":
            self._new_paragraph()
        elif tag in {"h3", "h4"}:
            self._new_paragraph()
            self.heading += 1
        elif tag == "br":
            if self.paragraph is None:
                self._new_paragraph()
            self.paragraph.add_run().add_break()
        elif tag in self.marks:
            self.marks[tag] += 1
        elif tag in {"ul", "ol"}:
            self.lists.append([tag, 0])
        elif tag == "li":
            self._new_paragraph()
            self.paragraph.paragraph_format.left_indent = None
            if self.lists:
                self.lists[-1][1] += 1
                kind, number = self.lists[-1]
                _run(self.paragraph, f"{number}. " if kind == "ol" else "• ")
        elif tag == "table":
            self.table = []

    def handle_endtag(self, tag: str) -> None:
        if self.table is not None:
            if tag in {"td", "th"} and self.cell is not None and self.table:
                self.table[-1].append("".join(self.cell).strip())
                self.cell = None
            elif tag == "table":
                self._flush_table()
            return
        if tag in {"p", "li"}:
            self.paragraph = None
        elif tag in {"h3", "h4"}:
            self.heading = max(0, self.heading - 1)
            self.paragraph = None
        elif tag in self.marks:
            self.marks[tag] = max(0, self.marks[tag] - 1)
        elif tag in {"ul", "ol"} and self.lists:
            self.lists.pop()

    def handle_data(self, data: str) -> None:
        if self.table is not None:
            if self.cell is not None:
                self.cell.append(data)
            return
        if not data.strip() and self.paragraph is None:
            return
        if self.paragraph is None:
            self._new_paragraph()
        _run(
            self.paragraph,
            data,
            bold=bool(self.marks["strong"] or self.heading),
            italic=bool(self.marks["em"]),
            underline=bool(self.marks["u"]),
            east_asia=HEI if self.heading else SONG,
        )

    def _flush_table(self) -> None:
        rows = [r for r in self.table or [] if r]
        self.table = None
        if not rows:
            return
        width = max(len(r) for r in rows)
        table = self.doc.add_table(rows=len(rows), cols=width)
        table.style = "Table Grid"
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                cell = table.cell(r, c)
                _run(cell.paragraphs[0], text)
        self.paragraph = None


def _members_table(document: Any, members: list[dict[str, Any]], *, signing: bool) -> None:
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.shared import Cm

    headers = ["序号", "单位名称", "统一社会信用代码", "法定代表人"]
    headers.append("签字（盖章）" if signing else "单位类别")
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    widths = [Cm(1.3), Cm(5.8), Cm(4.4), Cm(2.4), Cm(3.6)]
    for index, text in enumerate(headers):
        cell = table.rows[0].cells[index]
        cell.width = widths[index]
        _run(cell.paragraphs[0], text, bold=True, east_asia=HEI)
    from .roster_fields import KIND_LABELS

    for number, member in enumerate(members, start=1):
        cells = table.add_row().cells
        code = member.get("uscc") or member.get("org_code") or ""
        last = "" if signing else KIND_LABELS.get(member.get("kind", ""), "")
        values = [
            str(number),
            member.get("name", ""),
            code,
            member.get("legal_representative", ""),
            last,
        ]
        for index, text in enumerate(values):
            cells[index].width = widths[index]
            _run(cells[index].paragraphs[0], text)
        if signing:
            table.rows[-1].height = Cm(1.6)


def _write_html(document: Any, fragment: str) -> None:
    parser = _HtmlToDocx(document)
    parser.feed(fragment)
    parser.close()
    if parser.table is not None:
        parser._flush_table()


def _heading(document: Any, text: str, level: int) -> Any:
    paragraph = document.add_paragraph(style=f"Heading {level}")
    _run(paragraph, text, bold=True, east_asia=HEI)
    return paragraph


def _placeholder(document: Any, *, optional: bool = False) -> None:
    paragraph = document.add_paragraph()
    _run(paragraph, "（视联盟具体情况制定，可省略）" if optional else "（请填写）", italic=True)


def agreement_docx(proposal: Proposal) -> bytes:
    """The 协议书 draft for signing: the alliance, the lead unit, every member as a party and
    on the signature page, the outline of 附件4 with what was written online."""
    from docx import Document
    from docx.enum.section import WD_SECTION
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
    from docx.shared import Cm

    from .roster import roster_members

    members = roster_members(proposal)
    lead = members[0] if members else {"name": proposal.lead_unit.name}
    written = (proposal.writeups or {}).get("agreement") or {}
    name = proposal.name or (proposal.document or {}).get("name") or "××产业技术创新战略联盟"
    title_text = plain_text(written.get("1", "")) or f"{name}协议书"

    document = Document()
    _style_fonts(document)
    _font_table(document)
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.left_margin = section.right_margin = Cm(2.6)
    section.top_margin = section.bottom_margin = Cm(2.5)
    core = document.core_properties
    core.title = title_text
    core.author = lead.get("name", "")
    core.language = "zh-CN"

    heading = document.add_paragraph(style="Title")
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(heading, title_text, bold=True, size=22, east_asia=HEI)
    facts = document.add_paragraph()
    facts.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(facts, f"牵头单位：{lead.get('name', '')}　　成员单位共 {len(members)} 家")
    note = document.add_paragraph()
    note.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(
        note,
        "（协议书草稿，由联盟管理平台按申报内容生成，供各方审阅、签署）",
        italic=True,
        size=10.5,
    )

    for item in AGREEMENT:
        if item.key == "1":
            continue
        if item.key.startswith("4."):
            if item.key == "4.1":
                _heading(document, "四、主文", 1)
            _heading(document, item.title.removeprefix("四、主文 "), 2)
        else:
            _heading(document, item.title, 1)
        if item.key == "2":
            _heading(document, "（一）缔约方基本信息", 2)
            _members_table(document, members, signing=False)
            _heading(document, "（二）鉴于条款", 2)
        text = written.get(item.key, "")
        if plain_text(text):
            _write_html(document, text)
        elif item.key == "4.4":
            paragraph = document.add_paragraph()
            _run(
                paragraph,
                f"本联盟由{lead.get('name', '')}牵头，成员单位共 {len(members)} 家，"
                "名单见序文“（一）缔约方基本信息”。",
            )
        else:
            _placeholder(document, optional=item.optional)

    document.add_section(WD_SECTION.NEW_PAGE)
    signature = _heading(document, "签署页", 1)
    signature.alignment = WD_ALIGN_PARAGRAPH.CENTER
    intro = document.add_paragraph()
    _run(intro, f"（本页无正文，为《{title_text}》签署页）")
    _members_table(document, members, signing=True)
    closing = document.add_paragraph()
    closing.add_run().add_break(WD_BREAK.LINE)
    _run(closing, "签署日期：　　　　年　　月　　日")

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
