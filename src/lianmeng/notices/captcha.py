"""An image captcha that works offline (no external service, no CDN), drawn with Pillow.

Each load of the image (:func:`render`) draws a new challenge of :data:`LENGTH` characters and
keeps only a salted hash of the answer in the session, with the moment it expires. The form's
answer is checked once (:func:`verify`): right or wrong, the challenge is used up, so every
attempt needs a new image. Upper and lower case are the same; characters easily confused
(0/O, 1/I/L) are never drawn.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import secrets
import time
from typing import Any

from django.conf import settings
from PIL import Image, ImageDraw, ImageFilter, ImageFont

SESSION_KEY = "notices_captcha"
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXY3456789"
LENGTH = 5
#: seconds an image stays valid
LIFETIME = 600
WIDTH, HEIGHT = 160, 56


def random_answer() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def _digest(salt: str, answer: str) -> str:
    key = f"{settings.SECRET_KEY}:notices-captcha:{salt}".encode()
    return hmac.new(key, answer.strip().upper().encode(), hashlib.sha256).hexdigest()


def _font(size: int) -> Any:
    for path in (
        "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
        "/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf",
    ):
        try:
            return ImageFont.truetype(path, size)
        except OSError:
            continue
    return ImageFont.load_default(size=size)


def draw(answer: str) -> bytes:
    """The PNG of ``answer``: jittered, rotated characters over noise lines and dots."""
    rng = secrets.SystemRandom()
    image = Image.new("RGB", (WIDTH, HEIGHT), (246, 248, 250))
    pen = ImageDraw.Draw(image)
    for _ in range(5):
        pen.line(
            [(rng.randint(0, WIDTH), rng.randint(0, HEIGHT)) for _ in range(2)],
            fill=(rng.randint(120, 200), rng.randint(120, 200), rng.randint(120, 200)),
            width=1,
        )
    font = _font(30)
    step = (WIDTH - 16) // len(answer)
    for i, char in enumerate(answer):
        glyph = Image.new("RGBA", (40, 48), (0, 0, 0, 0))
        ImageDraw.Draw(glyph).text(
            (6, 4), char, font=font, fill=(rng.randint(10, 80), rng.randint(30, 90), 120, 255)
        )
        glyph = glyph.rotate(rng.uniform(-25, 25), resample=Image.Resampling.BICUBIC)
        image.paste(glyph, (8 + i * step + rng.randint(-2, 3), rng.randint(0, 8)), glyph)
    for _ in range(120):
        pen.point((rng.randint(0, WIDTH - 1), rng.randint(0, HEIGHT - 1)), fill=(90, 90, 90))
    image = image.filter(ImageFilter.SMOOTH)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def render(session: Any) -> bytes:
    """A new challenge for this session (replacing the previous one) and its image."""
    answer = random_answer()
    salt = secrets.token_hex(8)
    session[SESSION_KEY] = {
        "salt": salt,
        "hash": _digest(salt, answer),
        "expires": time.time() + LIFETIME,
    }
    return draw(answer)


#: what :func:`verify` found
OK, MISSING, WRONG, EXPIRED = "ok", "missing", "wrong", "expired"


def verify(session: Any, typed: str) -> str:
    """Check the typed answer against the session's challenge and use the challenge up."""
    challenge = session.pop(SESSION_KEY, None)
    if not isinstance(challenge, dict):
        return EXPIRED
    if not (typed or "").strip():
        return MISSING
    if float(challenge.get("expires") or 0) < time.time():
        return EXPIRED
    expected = str(challenge.get("hash") or "")
    if not hmac.compare_digest(expected, _digest(str(challenge.get("salt") or ""), typed)):
        return WRONG
    return OK
