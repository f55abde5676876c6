"""What the portal server and the care console must agree on."""
