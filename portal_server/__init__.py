"""The portal server: subscriber portal pages and the admin REST API."""
