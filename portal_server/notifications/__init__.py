"""Email to subscribers: transports (outbox folder or SMTP) and branded messages."""
