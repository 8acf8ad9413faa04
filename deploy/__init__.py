"""Serving the dashboard to a team: Caddy (Debian package) in front, TLS, sign-in required."""
