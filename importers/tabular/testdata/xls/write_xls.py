#!/usr/bin/python3
"""Writes a real BIFF8 .xls workbook with Debian's python3-xlwt, from a JSON spec.

The Go tests describe a workbook once (sheets, cells, number formats) and write
it both as .xls (this script) and as .xlsx (excelize), then check that the two
read the same. Usage: write_xls.py spec.json out.xls

spec: {"date1904": false,
       "sheets": [{"name": "Clients",
                   "merges": [[r1, r2, c1, c2], ...],          # 0-based, inclusive
                   "cells": [[row, col, kind, value, numfmt], ...]}]}
kind: "s" text, "n" number, "b" boolean, "f" formula (value is the formula text,
without "="), "blank" (a formatted empty cell). numfmt is an Excel format code or "".
"""
import json
import sys

import xlwt


def main():
    spec = json.load(open(sys.argv[1], encoding="utf-8"))
    wb = xlwt.Workbook(encoding="utf-8")
    wb.dates_1904 = bool(spec.get("date1904"))
    styles = {}

    def style(fmt):
        if fmt not in styles:
            st = xlwt.XFStyle()
            if fmt:
                st.num_format_str = fmt
            styles[fmt] = st
        return styles[fmt]

    for sh in spec["sheets"]:
        ws = wb.add_sheet(sh["name"], cell_overwrite_ok=True)
        merged = set()
        for r1, r2, c1, c2 in sh.get("merges", []):
            first = None
            for row, col, kind, value, fmt in sh["cells"]:
                if row == r1 and col == c1:
                    first = (value, fmt)
            value, fmt = first if first else ("", "")
            ws.write_merge(r1, r2, c1, c2, value, style(fmt))
            merged.add((r1, c1))
        for row, col, kind, value, fmt in sh["cells"]:
            if (row, col) in merged:
                continue
            st = style(fmt)
            if kind == "f":
                ws.write(row, col, xlwt.Formula(value), st)
            elif kind == "blank":
                ws.write(row, col, None, st)
            elif kind == "b":
                ws.write(row, col, bool(value), st)
            else:
                ws.write(row, col, value, st)
    wb.save(sys.argv[2])


if __name__ == "__main__":
    main()
