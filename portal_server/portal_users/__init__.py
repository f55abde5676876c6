"""Portal users: subscribers' logins, linked to billing accounts."""
