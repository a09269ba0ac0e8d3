# Spanish dates read day first, as families write them: "7 dic 2026", "7 dic 2026 16:00".
# Numbers keep the decimal point and thousands comma used in Mexico and the United States,
# where the district's Spanish-reading families live (Spain's "1.234,5" would mislead them).
DATE_FORMAT = "j b Y"
SHORT_DATE_FORMAT = "j b Y"
DATETIME_FORMAT = "j b Y H:i"
SHORT_DATETIME_FORMAT = "j b Y H:i"
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "j b"
YEAR_MONTH_FORMAT = "b Y"
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
FIRST_DAY_OF_WEEK = 0
