"""What the API and the web UI share: the process's context, request dependencies (the database
session, the signed-in user, owned objects) and the browser's cookie session with its CSRF check."""
