# One date and time style across the pages: "Dec 1, 2026", "Dec 1, 2026 16:00".
# `notifications.services.time_label` and the e-mails use the same style (read_format).
DATE_FORMAT = "M j, Y"
SHORT_DATE_FORMAT = "M j, Y"
DATETIME_FORMAT = "M j, Y H:i"
SHORT_DATETIME_FORMAT = "M j, Y H:i"
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "M j"
YEAR_MONTH_FORMAT = "M Y"
