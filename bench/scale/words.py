"""The words the scale data is written with."""

import datetime

FIRST = [
    "Ada",
    "Ben",
    "Cleo",
    "Dev",
    "Eli",
    "Fay",
    "Gus",
    "Hana",
    "Ivo",
    "Jia",
    "Kai",
    "Lena",
    "Milo",
    "Nia",
    "Omar",
    "Pia",
    "Quin",
    "Rosa",
    "Sami",
    "Tova",
    "Uma",
    "Vic",
    "Wren",
    "Xavi",
    "Yara",
    "Zeb",
]
LAST = [
    "Abara",
    "Brooks",
    "Castillo",
    "Dumont",
    "Eriksen",
    "Fujita",
    "Garcia",
    "Haddad",
    "Ivanova",
    "Jensen",
    "Kowalski",
    "Laine",
    "Moreau",
    "Nguyen",
    "Okafor",
    "Petrov",
    "Quispe",
    "Rossi",
    "Silva",
    "Tanaka",
    "Umar",
    "Varga",
    "Weber",
    "Xu",
    "Young",
    "Zamora",
]
LEVELS = ["elementary"] * 6 + ["middle"] * 2 + ["high", "k8"]
PLACES = [
    "Alder",
    "Birch",
    "Cedar",
    "Dune",
    "Elm",
    "Fern",
    "Grove",
    "Harbor",
    "Iris",
    "Juniper",
    "Kestrel",
    "Laurel",
    "Maple",
    "North",
    "Oak",
    "Pine",
    "Quarry",
    "River",
    "Spruce",
    "Tern",
    "Upland",
    "Valley",
    "Willow",
    "Yew",
]
STAFF_TITLES = ["cook", "custodian", "counselor", "office manager", "nurse", "paraprofessional"]
THEMES = [
    "Workload",
    "Staffing",
    "Facilities",
    "Communication",
    "Student behaviour",
    "Schedule",
    "Recognition",
    "Safety",
]
WORKING = [
    "The new morning greeting sets a calm tone.",
    "Grade teams plan together every week now.",
    "The kitchen gets deliveries on time.",
]
CONCERNS = [
    "Copies take too long; the machine is down often.",
    "Substitutes are hard to find on Fridays.",
    "Hallways are crowded at the bell.",
    "Too many emails with changes at short notice.",
]
IDEAS = ["A shared calendar for the building.", "Ten quiet minutes at lunch.", ""]
FOLLOW_UP_WHAT = [
    "Repair or replace the copier on the second floor",
    "Set up a substitute pool with nearby schools",
    "Stagger the bell by grade",
    "Send changes in one weekly note",
]
DECISION_TITLES = [
    "Start the school day ten minutes later",
    "Adopt a new reading curriculum",
    "Move parent conferences to the evening",
    "Fund a second counselor",
    "Change the substitute booking process",
    "Open the library at lunch",
    "Replace the bus schedule",
    "Set the professional learning days",
]
INPUT_TEXT = [
    "This would help our students most in the mornings.",
    "What happens to the after-school programme?",
    "I worry about the cost in the second year.",
    "Could we pilot it in one grade first?",
    "Fully in favour; we tried this before and it worked.",
]
AGENDA = [
    ("celebration", "Attendance at family night doubled."),
    ("problem", "Friday substitutes are scarce."),
    ("high_performers", "Two strong teachers asked about coaching roles."),
    ("question", "How other schools schedule intervention blocks."),
]
TIMES = [datetime.time(9, 0), datetime.time(10, 30), datetime.time(13, 0), datetime.time(15, 30)]
