#!/usr/bin/python3
"""Prints what python3-xlrd (the reference .xls reader) finds in a workbook,
as JSON {sheet: [[row, col, text], ...]}, 1-based, for the cells whose text
does not depend on number formatting: text, booleans, and numbers in the
General format (written as General shows them). The Go test compares the
xls reader against it. Usage: xlrd_cells.py file.xls
"""
import json
import sys

import xlrd

book = xlrd.open_workbook(sys.argv[1], formatting_info=True)
out = {}
for sheet in book.sheets():
    cells = []
    for r in range(sheet.nrows):
        for c in range(sheet.ncols):
            cell = sheet.cell(r, c)
            fmt = "General"  # hand-made test files may carry no usable XF list
            if cell.xf_index is not None and cell.xf_index < len(book.xf_list):
                fmt = book.format_map[book.xf_list[cell.xf_index].format_key].format_str
            if cell.ctype == xlrd.XL_CELL_TEXT:
                text = cell.value
            elif cell.ctype == xlrd.XL_CELL_BOOLEAN:
                text = "TRUE" if cell.value else "FALSE"
            elif cell.ctype == xlrd.XL_CELL_NUMBER and fmt.lower() == "general":
                v = cell.value
                text = str(int(v)) if v == int(v) and abs(v) < 1e15 else repr(v)
            else:
                continue
            cells.append([r + 1, c + 1, text])
    out[sheet.name] = cells
json.dump(out, sys.stdout, ensure_ascii=False)
