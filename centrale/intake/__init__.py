"""The write side: files brought in from the dashboard or the command line (uploads,
survey exports and answers), the commit point that changes the sources folder and the
store as one step, and the backups and their restore. The only layer that writes the
sources folder."""
