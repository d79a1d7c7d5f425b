"""Reports read the analysis only and lay it out; they never compute effects.

xlsx.py writes workbooks (used by excel.py and the compare and sensitivity commands), excel.py lays
out the result workbook, charts.py draws the PNG/SVG charts, console.py the terminal summary,
tabular.py the --format tables, files.py writes atomically, labels.py holds every word in sv/en.
"""
