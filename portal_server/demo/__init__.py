"""Demo data: branded profiles, staff sign-ins and subscriber accounts, from a handful to millions."""
