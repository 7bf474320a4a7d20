# English as Accord writes it: "7 Dec 2026", "7 Dec 2026 14:30" (Django's English says "Dec. 7, 2026")
DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y H:i"
MONTH_DAY_FORMAT = "j M"
