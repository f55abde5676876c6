"""Qt item models the console's views show."""
