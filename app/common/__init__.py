"""Neutral helpers every domain may use: the time, CSV files, stored files, database writes, mail.

They import nothing of the domains (import-linter's layers contract keeps it so), which is why
they live here rather than in a domain (`utcnow` used to live in `auth/models.py`) or in
`app/core`, the web core of page shells, navigation, assets and security headers, which sits
above `auth` and `policy`.
"""
