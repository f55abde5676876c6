"""Staff users (care reps and administrators), their sign-in and tokens."""
