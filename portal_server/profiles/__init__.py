"""Portal profiles: branding and behaviour per market, with versions and logos."""
