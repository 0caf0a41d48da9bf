"""CSV import (all or nothing, row-numbered errors) and export of the filtered list."""

import csv
import io

from platform_core.testing.assertions import assert_error

GOOD = """first_name,last_name,email,phone,date_of_birth,gender,tags,consent_email
Ana,Silva,ana@example.com,+351912000001,1990-01-02,female,vip;color,true
Bruno,Costa,bruno@example.com,+351912000002,,male,,false
"Carla, Jr.",Mendes,,+351 912 000 003,1985-12-31,,nails,
"""


def upload(testapp, caller, text, status=201):
    return testapp.post("/api/clients/import", upload_files=[("file", "clients.csv", text.encode())],
                        headers=caller.headers, status=status)


def test_a_valid_file_imports_every_row(testapp, admin):
    assert upload(testapp, admin, GOOD).json["data"] == {"imported": 3}
    listed = testapp.get("/api/clients/clients?ordering=first_name", headers=admin.headers).json["data"]
    assert [c["first_name"] for c in listed] == ["Ana", "Bruno", "Carla, Jr."]
    assert listed[0]["tags"] == ["vip", "color"] and listed[0]["consent_email"] is True
    assert listed[2]["phone"] == "+351912000003" and all(c["source"] == "import" for c in listed)


def test_a_bad_row_in_the_middle_imports_nothing_and_names_its_line(testapp, admin, make_client):
    make_client(email="taken@example.com")
    bad = GOOD.replace("Bruno,Costa,bruno@example.com,+351912000002,,male,,false",
                       "Bruno,Costa,not-an-email,12,1990-13-45,robot,,maybe")
    bad += "Dora,Lima,taken@example.com,,,,,\nEva,Dup,ana@example.com,,,,,\n"
    response = upload(testapp, admin, bad, status=400)
    errors = assert_error(response, 400, "validation_error")["errors"]
    assert set(errors) == {"row 3", "row 5", "row 6"}
    assert any(message.startswith("email:") for message in errors["row 3"])
    assert any(message.startswith("phone:") for message in errors["row 3"])
    assert errors["row 5"] == ["email: Already used by another client"]
    assert errors["row 6"] == ["email: Already used by another client"]
    assert len(testapp.get("/api/clients/clients", headers=admin.headers).json["data"]) == 1


def test_unusable_uploads_are_refused(testapp, admin):
    for text in ("", "first_name\n", "first_name\nA,B\n"):
        assert_error(upload(testapp, admin, text, status=400), 400, "validation_error")
    response = testapp.post_json("/api/clients/import", {"file": "x"}, headers=admin.headers, status=400)
    assert_error(response, 400, "bad_request")


def test_export_follows_the_list_filters(testapp, admin):
    upload(testapp, admin, GOOD)
    response = testapp.get("/api/clients/export?tag=vip", headers=admin.headers)
    assert response.content_type == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [row["first_name"] for row in rows] == ["Ana"] and rows[0]["tags"] == "vip;color"


def test_export_neutralises_spreadsheet_formulas(testapp, admin, make_client):
    make_client(first_name="=HYPERLINK(\"http://evil\")", last_name="X")
    rows = list(csv.DictReader(io.StringIO(testapp.get("/api/clients/export", headers=admin.headers).text)))
    assert rows[0]["first_name"].startswith("'=")


def test_import_and_export_are_for_managers(testapp, staff):
    assert_error(upload(testapp, staff["agent"], GOOD, status=403), 403, "permission_denied")
    assert_error(testapp.get("/api/clients/export", headers=staff["agent"].headers, status=403), 403,
                 "permission_denied")


def test_formulas_in_tags_are_neutralised_too(testapp, admin, make_client):
    make_client(tags=["=1+2", "vip"])
    rows = list(csv.DictReader(io.StringIO(testapp.get("/api/clients/export", headers=admin.headers).text)))
    assert rows[0]["tags"].startswith("'=")


def test_a_foreign_reference_in_a_file_is_reported_by_row(testapp, admin):
    text = "first_name,preferred_location_id\nAna,00000000-0000-0000-0000-000000000000\n"
    response = upload(testapp, admin, text, status=400)
    assert assert_error(response, 400, "validation_error")["errors"] == {
        "row 2": ["preferred_location_id: No such object"]}
