#!/usr/bin/env python3
"""Reads the audit log's CSV export as a spreadsheet user's tools would, after schemathesis has
filled the log with hostile input (control characters, formulas, long and odd text):

- Python's csv module, with the byte-order mark Excel relies on: the header is the
  documented one, every row has every column, and there are as many rows as the API counts;
- LibreOffice Calc (headless), the real spreadsheet: the CSV opened as UTF-8 text and saved
  as .xlsx, which openpyxl then reads back cell for cell equal to the CSV, with no cell that
  Calc took for a formula and no text it turned into a number or a date;
- openpyxl alone: every row written to an .xlsx workbook and read back unchanged, and no
  cell that a spreadsheet would run as a formula.

Usage: audit-csv-check.py BASE_URL TOKEN
"""
import csv
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import urllib.request

import openpyxl

HEADER = ["编号", "时间(UTC)", "操作人", "角色", "管辖区划", "操作", "对象类型", "对象", "区划",
          "IP", "客户端", "请求编号", "结果", "详情", "哈希"]


def get(url, token):
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=120) as response:
        return response.headers, response.read()


def through_libreoffice(body, data):
    """Opens the CSV in LibreOffice Calc and saves it as .xlsx; openpyxl reads that back."""
    with tempfile.TemporaryDirectory() as folder:
        source = os.path.join(folder, "audit-log.csv")
        with open(source, "wb") as f:
            f.write(body)
        # CSV import filter: comma (44), double quote (34), UTF-8 (76), from line 1; every
        # column read as a spreadsheet user's double click would (standard detection).
        subprocess.run(
            ["soffice", "--headless", "--norestore", f"-env:UserInstallation=file://{folder}/profile",
             "--infilter=CSV:44,34,76,1", "--convert-to", "xlsx:Calc MS Excel 2007 XML",
             "--outdir", folder, source],
            check=True, capture_output=True, timeout=600)
        book = openpyxl.load_workbook(os.path.join(folder, "audit-log.xlsx"))
        sheet = book.active
        formulas = [c.coordinate for row in sheet.iter_rows() for c in row if c.data_type == "f"]
        assert not formulas, f"LibreOffice took cells for formulas: {formulas[:5]}"
        back = [[("" if v is None else v) for v in row] for row in sheet.iter_rows(values_only=True)]
    # A trailing empty column is not stored by Calc: pad to the header's width.
    back = [r + [""] * (len(HEADER) - len(r)) for r in back]
    assert back[0] == HEADER, back[0]
    # Calc reads number- and date-like text as numbers and dates, as any spreadsheet does;
    # that is allowed where the text is the user's (a detail, a user agent, an id), never in
    # the columns the trail itself writes, and the value must be the one the text spells.
    kept_as_text = {"时间(UTC)", "操作", "结果", "哈希", "请求编号"}
    changed = []
    for i, (got, want) in enumerate(zip(back[1:], data), start=2):
        for name, g, w in zip(HEADER, got, want):
            w = w.replace("\r\n", "\n").replace("\r", "\n")
            if isinstance(g, str):
                ok = g.replace("\r\n", "\n") == w
            elif name in kept_as_text:
                ok = False
            elif isinstance(g, (int, float)):
                # A spreadsheet keeps 15 significant digits: an id a hostile request named,
                # like 9223372036854775807, shows rounded there, as in Excel.
                try:
                    ok = f"{float(w):.15g}" == f"{float(g):.15g}"
                except ValueError:
                    ok = False
            else:
                ok = bool(re.match(r"^\d{4}-\d{1,2}-\d{1,2}", w))
            if not ok:
                changed.append((i, name, w, g))
    assert len(back) - 1 == len(data), f"{len(back) - 1} rows in Calc, {len(data)} in the CSV"
    assert not changed, f"{len(changed)} cells changed by LibreOffice, e.g. {changed[:3]}"


def main():
    base, token = sys.argv[1], sys.argv[2]
    headers, body = get(f"{base}/api/v1/exports/audit-log.csv", token)
    assert headers["Content-Type"] == "text/csv; charset=utf-8", headers["Content-Type"]
    assert body.startswith(b"\xef\xbb\xbf"), "no byte-order mark"
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))
    assert rows[0] == HEADER, rows[0]
    data = rows[1:]
    bad = [r for r in data if len(r) != len(HEADER)]
    assert not bad, f"{len(bad)} rows without every column, e.g. {bad[0]}"
    # The export records itself before it is read, so the API counts it too.
    _, page = get(f"{base}/api/v1/audit-log?per_page=1", token)
    total = json.loads(page)["total"]
    assert len(data) == total, f"{len(data)} rows in the CSV, {total} in the log"
    formulas = [c for r in data for c in r if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert not formulas, f"cells a spreadsheet would run: {formulas[:3]}"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for r in data:
        sheet.append(r)
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as f:
        book.save(f.name)
        back = [[("" if c is None else str(c)) for c in row]
                for row in openpyxl.load_workbook(f.name, read_only=True).active.iter_rows(values_only=True)]
    assert back[0] == HEADER and back[1:] == data, "the workbook does not read back as the CSV"
    through_libreoffice(body, data)
    print(f"audit CSV: {len(data)} rows read by Python's csv module, opened in LibreOffice Calc "
          "and read back by openpyxl, and round-tripped through openpyxl")


if __name__ == "__main__":
    main()
