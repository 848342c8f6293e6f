"""The demo council on the top floor: it loads every area, so nothing below may import it.

The seeder is rollcall.demo.council (an app package's ``__init__`` must not import models); the
commands are ``manage.py seed_demo`` and ``manage.py demo_sign_ins``. Each area's own demo
loader stays in its app (``rollcall/<app>/demo.py``).
"""
