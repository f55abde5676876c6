"""The subscriber portal's pages: rendering, branding per profile, CSRF and sessions."""
