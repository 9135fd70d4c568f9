"""The console's pages, one module per task: account (sign in and out, language), registration,
credentials, administration (staff, audit log) and the status page."""
