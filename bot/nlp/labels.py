"""Entity labels the project's spaCy pipeline produces. They are also the Rasa entity names (one to one)."""

MONEY = "money"
DURATION = "duration"
AGE = "age"
DEGREE = "degree"
UNIVERSITY = "university"
LANGUAGE = "language"
COUNTRY = "country"
YEAR = "year"

ENTITY_LABELS = (MONEY, DURATION, AGE, DEGREE, UNIVERSITY, LANGUAGE, COUNTRY, YEAR)
