"""The names, ZIP code areas and plans demo accounts are drawn from, so that they read like real ones."""

from __future__ import annotations

from decimal import Decimal

# The markets the demo profiles serve (CENTRAL falls to the default profile), in the order demo
# accounts take them: the first four accounts cover one market each.
DEMO_MARKETS = ("EAST", "NORTHEAST", "WEST", "CENTRAL")

FIRST_NAMES = (
    "Aaliyah", "Aaron", "Abigail", "Adam", "Adrian", "Aisha", "Alejandro", "Alex", "Alice", "Amara",
    "Amelia", "Ana", "Andre", "Andrew", "Anika", "Anthony", "Aria", "Arjun", "Ava", "Benjamin",
    "Bianca", "Brandon", "Brianna", "Caleb", "Camila", "Carlos", "Carmen", "Charlotte", "Chen",
    "Chloe", "Christopher", "Claire", "Daniel", "David", "Deborah", "Diego", "Dmitri", "Elena",
    "Elijah", "Elizabeth", "Emily", "Emma", "Ethan", "Evelyn", "Fatima", "Felix", "Gabriel", "Grace",
    "Hannah", "Hiro", "Ian", "Imani", "Iris", "Isaac", "Isabella", "Jack", "Jacob", "James", "Jamal",
    "Jasmine", "Javier", "Jennifer", "Jessica", "Joanna", "John", "Jordan", "Jose", "Joseph",
    "Julia", "Kai", "Karen", "Kevin", "Kiara", "Laura", "Layla", "Leah", "Lena", "Leo", "Liam",
    "Lucas", "Lucia", "Luis", "Maria", "Mark", "Mateo", "Matthew", "Maya", "Mei", "Michael",
    "Mia", "Mohammed", "Nadia", "Naomi", "Nathan", "Nia", "Noah", "Nora", "Olivia", "Omar",
    "Oscar", "Owen", "Patricia", "Paul", "Priya", "Rachel", "Rafael", "Ravi", "Rebecca", "Robert",
    "Rosa", "Ryan", "Samantha", "Samuel", "Sara", "Sean", "Sofia", "Sophie", "Stephen", "Susan",
    "Tariq", "Thomas", "Tyler", "Valentina", "Victor", "William", "Xavier", "Yara", "Yusuf", "Zoe",
)  # fmt: skip

LAST_NAMES = (
    "Adams", "Ahmed", "Alvarez", "Anderson", "Baker", "Bennett", "Brennan", "Brooks", "Brown",
    "Campbell", "Carter", "Castillo", "Chen", "Clark", "Collins", "Cooper", "Cruz", "Davis", "Diaz",
    "Edwards", "Evans", "Fischer", "Flores", "Foster", "Garcia", "Gomez", "Gonzalez", "Gray",
    "Green", "Gupta", "Haddad", "Hall", "Harris", "Hayes", "Hernandez", "Hill", "Hughes", "Ibrahim",
    "Jackson", "James", "Jenkins", "Johnson", "Jones", "Kaur", "Kelly", "Khan", "Kim", "King",
    "Kowalski", "Kumar", "Lee", "Lewis", "Lopez", "Martin", "Martinez", "Mendoza", "Miller",
    "Mitchell", "Moore", "Morales", "Morgan", "Murphy", "Nguyen", "Novak", "Okafor", "Olsen",
    "Ortiz", "Park", "Patel", "Perez", "Peterson", "Phillips", "Price", "Ramirez", "Reed", "Reyes",
    "Richardson", "Rivera", "Roberts", "Robinson", "Rodriguez", "Rossi", "Russell", "Sanchez",
    "Santos", "Schmidt", "Scott", "Shah", "Silva", "Singh", "Smith", "Stewart", "Sullivan",
    "Tanaka", "Taylor", "Thomas", "Thompson", "Torres", "Tran", "Turner", "Walker", "Wang", "Ward",
    "Watson", "White", "Williams", "Wilson", "Wong", "Wright", "Yamamoto", "Young", "Zhang",
)  # fmt: skip

# The first three digits of US ZIP codes in each demo market's region, as (first, last) ranges:
# EAST the Mid-Atlantic, NORTHEAST New England, WEST the Pacific states and the Southwest,
# CENTRAL the Midwest and Texas.
ZIP_AREAS: dict[str, tuple[tuple[int, int], ...]] = {
    "EAST": ((70, 89), (100, 149), (150, 196), (197, 199), (206, 219)),
    "NORTHEAST": ((10, 27), (28, 29), (30, 38), (39, 49), (50, 59), (60, 69)),
    "WEST": ((850, 865), (889, 898), (900, 961), (970, 979), (980, 994)),
    "CENTRAL": ((500, 528), (600, 629), (630, 658), (660, 693), (730, 749), (750, 799)),
}

# Monthly plan prices a balance is built from: what a broadband or phone bill usually shows.
PLAN_PRICES = tuple(
    Decimal(price)
    for price in ("29.99", "39.99", "49.99", "59.99", "64.99", "79.99", "89.99", "99.99", "129.99")
)

EMAIL_DOMAINS = ("example.com", "example.net", "example.org")
