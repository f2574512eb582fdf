"""Whether this app server can serve: the answer a load balancer (or a monitoring probe)
asks for at /health. It sits beside the core, below every feature: it reads the database
connection, the migration scripts and the sign-in throttle's storage, nothing of the records."""
