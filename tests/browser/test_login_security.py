"""Login throttling and "my account" in a real browser (issue 11)."""

import pytest
from django.conf import settings

from tests.browser.conftest import shot, sign_in
from tests.world import PASSWORD

pytestmark = pytest.mark.browser


def test_a_locked_phone_user_is_told_how_long_to_wait_and_an_admin_unlocks(browser_world, page_for):
    phone = page_for("phone")
    phone.goto("/login/")
    for _ in range(settings.LOGIN_FAILURES_PER_ACCOUNT):
        phone.fill("#id_username", "resident")
        phone.fill("#id_password", "wrong-password")
        phone.click("button[type=submit]")
    phone.fill("#id_password", PASSWORD)
    phone.click("button[type=submit]")

    error = phone.locator(".errors")
    assert "登录失败次数过多" in error.inner_text()
    assert "分钟后再试" in error.inner_text()
    assert phone.input_value("#id_username") == "resident"
    shot(phone, "login-locked-phone")

    admin = page_for("desktop")
    sign_in(admin, "bob", PASSWORD)
    admin.goto("/accounts/security/")
    shot(admin, "login-security-desktop")
    admin.click("text=解除锁定")
    assert "已解除 resident 的登录锁定" in admin.content()

    sign_in(phone, "resident", PASSWORD)
    phone.goto("/accounts/me/")
    assert phone.locator("a[href='/accounts/password/']").count() == 1
    shot(phone, "my-account-phone")
