"""Signing in through the real login page when a second factor is asked for (issue 12).

``sign_in`` posts the password; when the answer is the second step it completes it with a
valid code — enrolling an authenticator for the user first when the role requires one and
none is bound. ``current_code`` computes a code the way an authenticator app does, at a
time step not used before (django-otp refuses a used one).
"""

from __future__ import annotations

import time
from typing import Any

from django_otp.oath import hotp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import PASSWORD

VERIFY = "/accounts/login/verify/"
ENROL = "/accounts/login/enrol/"


def current_code(device: TOTPDevice) -> str:
    """The code an authenticator shows now (or for the next step, if now's was used)."""
    device.refresh_from_db()
    step = int((time.time() - device.t0) // device.step) + device.drift
    step = max(step, device.last_t + 1)
    return str(hotp(device.bin_key, step, digits=device.digits)).zfill(device.digits)


def enrol(user: Any) -> TOTPDevice:
    """A confirmed authenticator with a random key (as if the user had enrolled)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="测试设备", confirmed=True)


def second_step(client: Any, user: Any, response: Any, *, follow: bool = False) -> Any:
    """Complete the second step if ``response`` (to the password) asks for it."""
    if response.status_code != 302 or response["Location"] not in (VERIFY, ENROL):
        return response
    device = enrol(user)
    return client.post(VERIFY, {"code": current_code(device)}, follow=follow)


def sign_in(client: Any, user: Any, *, password: str = PASSWORD, follow: bool = False) -> Any:
    """Password, then (when asked) the code: the answer to the last step."""
    response = client.post("/accounts/login/", {"username": user.username, "password": password})
    if response.status_code == 302 and response["Location"] in (VERIFY, ENROL):
        return second_step(client, user, response, follow=follow)
    if follow and response.status_code == 302:
        return client.get(response["Location"], follow=True)
    return response
