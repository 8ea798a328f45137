"""Infrastructure of accounts outside the services: argon2id password hashing (``passwords``).

The services hold the abstract ``PasswordHasher``; the composition roots (API, CLI) build the
argon2id one from here and pass it in, as they do the units of work from ``acupath.storage``.
"""
