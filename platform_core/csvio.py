"""CSV import and export for collections: all rows valid, or nothing imported.

Errors are keyed ``row <n>`` where n is the line number in the file (the
header is line 1), each with ``field: message`` entries, as the contract
promises; a file with any bad row imports nothing.
"""

import csv
import io

import colander
from pyramid.response import Response

from platform_core.errors import ValidationFailed

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000


def read_upload(request, field="file"):
    """``[(line_number, {column: text})]`` of the uploaded CSV file (multipart field ``field``)."""
    upload = request.POST.get(field)
    if upload is None or not hasattr(upload, "file"):
        raise ValidationFailed.field(field, "Upload a CSV file in the multipart field 'file'")
    raw = upload.file.read(MAX_UPLOAD_BYTES + 1)
    if len(raw) > MAX_UPLOAD_BYTES:
        raise ValidationFailed.field(field, f"The file is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationFailed.field(field, "The file is not UTF-8 text") from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if not reader.fieldnames:
        raise ValidationFailed.field(field, "The file is empty; the first line must name the columns")
    rows = []
    for row in reader:
        if None in row:
            raise ValidationFailed(errors={f"row {reader.line_num}": ["More values than columns"]})
        rows.append((reader.line_num, {key.strip(): (value or "").strip() for key, value in row.items()}))
        if len(rows) > MAX_ROWS:
            raise ValidationFailed.field(field, f"At most {MAX_ROWS} rows per file")
    if not rows:
        raise ValidationFailed.field(field, "The file has a header but no rows")
    return rows


def validate_rows(schema, rows, check=None):
    """Each row deserialized by ``schema`` (empty cells count as missing).

    ``check(values)`` may return further messages for a valid row (a duplicate
    within the file, a value taken in the database). Raises one
    ValidationFailed listing every bad row.
    """
    valid, errors = [], {}
    for line, row in rows:
        cstruct = {key: value for key, value in row.items() if value != ""}
        try:
            values = schema.deserialize(cstruct)
        except colander.Invalid as exc:
            errors[f"row {line}"] = [f"{field}: {message}" for field, message in sorted(exc.asdict().items())]
            continue
        problems = check(values) if check else []
        if problems:
            errors[f"row {line}"] = problems
        else:
            valid.append(values)
    if errors:
        raise ValidationFailed("The file has errors; nothing was imported", errors=errors)
    return valid


def csv_response(filename, columns, rows):
    """A CSV download: ``columns`` as the header, then one line per mapping in ``rows``."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore", lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({key: _cell(row.get(key)) for key in columns})
    response = Response(body=buffer.getvalue().encode("utf-8"), content_type="text/csv", charset="utf-8")
    response.content_disposition = f'attachment; filename="{filename}"'
    return response


def _cell(value):
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    text = ";".join(map(str, value)) if isinstance(value, (list, tuple)) else str(value)
    # Spreadsheet formula injection: a cell starting with these is read as a formula.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") and not _is_number(text) else text


def _is_number(text):
    try:
        float(text)
        return True
    except ValueError:
        return False
