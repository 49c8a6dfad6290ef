"""What an upload refused for its content says it actually is: a name a person knows
(“可执行程序（EXE）”), never “EXE 文件”, in Chinese and in English."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.utils import translation

from lianmeng.core.errors import ValidationFailed
from lianmeng.proposals.materials import OTHER_KINDS, check_file

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64
GIF = b"GIF89a\x01\x00\x01\x00\x80\x00\x00" + b"\x00" * 32
RAR = b"Rar!\x1a\x07\x01\x00" + b"\x00" * 32
OLE_DOC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600
MP3 = b"ID3\x03\x00\x00\x00\x00\x00\x00" + b"\x00" * 64


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.txt", "x")
    return buffer.getvalue()


def refusal(content: bytes, name: str = "建议书.pdf") -> str:
    with pytest.raises(ValidationFailed) as refused:
        check_file(name, len(content), io.BytesIO(content))
    return refused.value.message


@pytest.mark.parametrize(
    ("content", "chinese", "english"),
    [
        (
            EXE,
            "（该文件实际是可执行程序（EXE）。）",
            "(Detected content: an executable program (EXE).)",
        ),
        (GIF, "（该文件实际是GIF 图片。）", "(Detected content: a GIF image.)"),
        (RAR, "（该文件实际是RAR 压缩包。）", "(Detected content: a RAR archive.)"),
        (MP3, "（该文件实际是音频（MP3）。）", "(Detected content: audio (MP3).)"),
        (_zip(), "（该文件实际是ZIP 压缩包。）", "(Detected content: ZIP archive.)"),
    ],
)
def test_the_refusal_names_what_the_file_actually_is(content, chinese, english):
    message = refusal(content)
    assert message.startswith("文件内容不是 PDF，请上传真实的 PDF 文件。")
    assert message.endswith(chinese)
    assert " 文件。）" not in message  # never “EXE 文件”
    with translation.override("en"):
        assert refusal(content).endswith(english)


def test_every_named_kind_has_an_english_name():
    with translation.override("en"):
        for kind, name in OTHER_KINDS.items():
            text = str(name)
            assert not any("\u4e00" <= ch <= "\u9fff" for ch in text), (kind, text)
