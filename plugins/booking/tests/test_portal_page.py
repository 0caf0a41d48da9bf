"""The booking page in a real headless Chromium: pick a service, a day and a slot, and book.

Uses Debian's chromium driven by Playwright (its own browser download is not
needed). Without a chromium on the machine the test is skipped — except in
CI (``CI=true``), where .ci/run installs it and a skip would hide a failure.
"""

import os
import shutil
from datetime import datetime, timedelta, timezone

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture
def chromium_path():
    if CHROMIUM is None:
        if os.environ.get("CI") == "true":
            pytest.fail("chromium is not installed; .ci/run installs it")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    return CHROMIUM


def test_a_person_books_a_slot_on_the_page(live, chromium_path):
    from playwright.sync_api import sync_playwright

    day = (datetime.now(timezone.utc) + timedelta(days=3)).date()
    admin = live.factory.caller(role="admin", business=live.factory.business(timezone="Europe/Lisbon"))
    live.factory.enable_modules(admin.business, "booking")
    live.commit()
    h = admin.headers

    def post(path, body):
        status, response = live.request("POST", path, body, h)
        assert status == 201, response
        return response["data"]

    location = post("/api/locations", {"name": "Chiado"})
    post("/api/booking/resources", {"name": "Marta", "kind": "staff", "location_id": location["id"],
                                    "working_hours": [{"weekday": d, "start": "09:00", "end": "18:00"}
                                                      for d in range(7)]})
    post("/api/services/services", {"name": "Haircut", "duration_minutes": 30, "price": "25.00"})

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 390, "height": 844})  # a phone
            page.goto(f"{live.url}/book/{admin.business.slug}")
            page.wait_for_selector("#service option", state="attached")
            page.fill("#day", day.isoformat())
            page.dispatch_event("#day", "change")
            page.wait_for_selector("button.slot")
            first = page.locator("button.slot").first
            chosen_start = first.get_attribute("data-start")
            first.click()
            page.fill("#first_name", "Maria")
            page.fill("#email", "maria@example.com")
            page.click("#book")
            page.wait_for_selector("#message.ok")
            assert "Booked" in page.inner_text("#message")
        finally:
            browser.close()

    status, body = live.request("GET", "/api/booking/appointments", headers=h)
    assert status == 200 and len(body["data"]) == 1
    appointment = body["data"][0]
    assert appointment["starts_at"] == chosen_start and appointment["channel"] == "online"


