#!/usr/bin/env python3
"""Reads the audit log's CSV export as a spreadsheet user's tools would, after schemathesis has
filled the log with hostile input (control characters, formulas, long and odd text):

- Python's csv module, with the byte-order mark Excel relies on: the header is the
  documented one, every row has every column, and there are as many rows as the API counts;
- openpyxl: every row written to an .xlsx workbook and read back unchanged, and no cell
  that a spreadsheet would run as a formula.

Usage: audit-csv-check.py BASE_URL TOKEN
"""
import csv
import io
import json
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
    print(f"audit CSV: {len(data)} rows read by Python's csv module and round-tripped through openpyxl")


if __name__ == "__main__":
    main()
